// The article body's rich-text editor in the admin: django-prose-editor's
// bundle (ProseMirror + Tiptap, served from our static files) with exactly the
// elements the article allow-list keeps (markup/html.py ARTICLE), a picker for
// the image library and an "Insert quotation" button that places [quote N] in
// a paragraph of its own. Loaded as a module (no inline script: strict CSP).
// Every textarea with a data-body-editor attribute becomes an editor; the
// textarea stays the submitted field.

import {
  Blockquote,
  Bold,
  BulletList,
  Code,
  CodeBlock,
  Document,
  Dropcursor,
  Gapcursor,
  HardBreak,
  Heading,
  History,
  HorizontalRule,
  Italic,
  Link,
  ListItem,
  Mark,
  Menu,
  Node,
  OrderedList,
  Paragraph,
  Strike,
  Subscript,
  Superscript,
  Table,
  TableCell,
  TableHeader,
  TableRow,
  Text,
  Underline,
  Editor,
  Extension,
} from "../django_prose_editor/editor.js"

// Links: absolute http(s) and mailto addresses only (the allow-list's rule).
const SAFE_LINK = /^\s*(https?:\/\/[^\s]+|mailto:[^\s]+)\s*$/i
const isAllowedUri = (url) => typeof url === "string" && SAFE_LINK.test(url)

// Inline elements the allow-list keeps and the toolbar does not offer, kept
// when an existing body (or a paste) has them.
const simpleMark = (name, tag, attributes = []) =>
  Mark.create({
    name,
    addAttributes() {
      return Object.fromEntries(
        attributes.map((attribute) => [
          attribute,
          { default: null, parseHTML: (element) => element.getAttribute(attribute) },
        ]),
      )
    },
    parseHTML: () => [{ tag }],
    renderHTML: ({ HTMLAttributes }) => [tag, HTMLAttributes, 0],
  })

// Bold and italic as Tiptap reads them, but with <b>/<i> judged by their style
// attribute's text: under the CSP a pasted style attribute is never applied, so
// element.style is empty and Google Docs' <b style="font-weight:normal">
// wrapper would make a whole paste bold.
const styleOf = (node) => (node.getAttribute("style") || "").toLowerCase()
const ArticleBold = Bold.extend({
  parseHTML() {
    return [
      { tag: "strong" },
      {
        tag: "b",
        getAttrs: (node) => !/(^|;)\s*font-weight\s*:\s*(normal|[1-4]00)\b/.test(styleOf(node)) && null,
      },
      { style: "font-weight=400", clearMark: (mark) => mark.type.name === this.name },
      { style: "font-weight", getAttrs: (value) => /^(bold(er)?|[5-9]\d{2,})$/.test(value) && null },
    ]
  },
})
const ArticleItalic = Italic.extend({
  parseHTML() {
    return [
      { tag: "em" },
      { tag: "i", getAttrs: (node) => !/(^|;)\s*font-style\s*:\s*normal/.test(styleOf(node)) && null },
      { style: "font-style=normal", clearMark: (mark) => mark.type.name === this.name },
      { style: "font-style=italic" },
    ]
  },
})

const Deleted = simpleMark("deleted", "del")
const Inserted = simpleMark("inserted", "ins")
const Marked = simpleMark("marked", "mark")
const Cite = simpleMark("cite", "cite")
const Abbreviation = simpleMark("abbreviation", "abbr", ["title"])
const InlineQuote = simpleMark("inlineQuote", "q", ["cite"])

// An ordered list keeps only its start number (no type/data-type attributes).
const ArticleOrderedList = OrderedList.extend({
  addAttributes() {
    const parent = this.parent?.() || {}
    return { start: parent.start || { default: 1 } }
  },
  addNodeView: null,
})

// Tables as plain HTML: no inline style, no colgroup (the allow-list has neither).
const ArticleTable = Table.extend({
  renderHTML: () => ["table", {}, ["tbody", 0]],
}).configure({ resizable: false })

const ArticleLink = Link.configure({
  isAllowedUri,
  enableTarget: false,
  autolink: false,
  HTMLAttributes: { target: null, rel: null, class: null },
}).extend({
  addAttributes() {
    return {
      href: { default: null, parseHTML: (element) => element.getAttribute("href") },
      title: { default: null },
    }
  },
  addCommands() {
    return {
      ...this.parent?.(),
      // The toolbar's link button and Ctrl+K: an address other than http(s)
      // or mailto is refused with a message, the dialog staying open.
      addLink:
        () =>
        ({ editor }) => {
          if (editor.state.selection.empty && !editor.isActive("link")) return false
          openLinkDialog(editor, editor.getAttributes("link"))
          return true
        },
    }
  },
})

function openLinkDialog(editor, current) {
  const { box, close } = dialog("Link", editor)
  const address = element("input", {
    type: "text",
    id: "body-editor-link-address",
    value: current.href || "",
    autocomplete: "off",
    spellcheck: false,
  })
  const title = element("input", {
    type: "text",
    id: "body-editor-link-title",
    value: current.title || "",
  })
  const error = element("p", { class: "errornote body-editor-error", id: "body-editor-link-error" })
  error.hidden = true
  const submit = element("button", { type: "submit", class: "button default", textContent: "Link" })
  const form = element("form", { method: "dialog" }, [
    element("label", { htmlFor: address.id, textContent: "Address (https://…, http://… or mailto:…)" }),
    address,
    error,
    element("label", { htmlFor: title.id, textContent: "Title (optional)" }),
    title,
    element("p", { class: "body-editor-actions" }, [submit, " ", close]),
  ])
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    const href = address.value.trim()
    if (!isAllowedUri(href)) {
      error.textContent =
        "Only web (http://, https://) and email (mailto:) addresses can be linked."
      error.hidden = false
      address.setAttribute("aria-invalid", "true")
      address.setAttribute("aria-describedby", error.id)
      address.focus()
      return
    }
    box.close()
    editor
      .chain()
      .focus()
      .extendMarkRange("link")
      .setLink({ href, title: title.value.trim() || null })
      .run()
    // The caret after the link, ready to go on writing.
    editor.commands.setTextSelection(editor.state.selection.to)
  })
  box.append(form)
  box.showModal()
  address.focus()
}

// Images only from the site itself, as the allow-list (markup.html.own_image_url):
// under the media URL, or a root-relative path; no other host, no scheme, and no
// path relative to the page (here it would load an address inside the admin).
let MEDIA_URL = "/media/"
function ownImageUrl(url) {
  const value = (url || "").trim()
  if (!value || value.includes("\\") || /[\u0000-\u001f]/.test(value)) return false
  if (value.startsWith(MEDIA_URL)) return true
  return value.startsWith("/") && !value.startsWith("//")
}
const ownImageSrcset = (srcset) =>
  srcset.split(",").every((candidate) => ownImageUrl(candidate.trim().split(/\s+/)[0]))

// A library image: <figure><img src srcset sizes alt width height><figcaption>.
const IMAGE_ATTRIBUTES = ["src", "srcset", "sizes", "alt", "width", "height"]
const LibraryFigure = Node.create({
  name: "libraryFigure",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    // Read from the <img> (the parsed element is the <figure> or the <img>).
    const image = (element) => (element.matches("img") ? element : element.querySelector("img"))
    const attributes = Object.fromEntries(
      IMAGE_ATTRIBUTES.map((name) => [
        name,
        { default: null, parseHTML: (element) => image(element)?.getAttribute(name) ?? null },
      ]),
    )
    attributes.srcset.parseHTML = (element) => {
      const srcset = image(element)?.getAttribute("srcset")
      return srcset && ownImageSrcset(srcset) ? srcset : null
    }
    attributes.caption = {
      default: "",
      parseHTML: (element) =>
        element.matches("figure")
          ? (element.querySelector("figcaption")?.textContent || "").trim()
          : "",
    }
    return attributes
  },
  parseHTML() {
    // An image from elsewhere (another host, data:, javascript:...) is left out.
    const own = (image) => (image && ownImageUrl(image.getAttribute("src")) ? null : false)
    return [
      { tag: "figure", getAttrs: (figure) => own(figure.querySelector("img[src]")) },
      { tag: "img[src]", getAttrs: own },
    ]
  },
  renderHTML({ node }) {
    const image = {}
    for (const name of IMAGE_ATTRIBUTES) {
      if (node.attrs[name] !== null && node.attrs[name] !== "") {
        image[name] = String(node.attrs[name])
      }
    }
    const figure = ["figure", {}, ["img", image]]
    if (node.attrs.caption) figure.push(["figcaption", node.attrs.caption])
    return figure
  },
  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      command: (editor) => openImagePicker(editor),
      button: buttons.material("image", "Insert an image from the library"),
    })
  },
})

// "Insert quotation": a paragraph holding only [quote N], N chosen among the
// quoted sources of the form below the body.
const QuotationMarker = Extension.create({
  name: "quotationMarker",
  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "quotation",
      groups: "nodes",
      command: (editor) => openQuotationChooser(editor),
      button: buttons.material("record_voice_over", "Insert quotation"),
    })
  },
})

function insertMarker(editor, order) {
  editor
    .chain()
    .focus()
    .insertContent({ type: "paragraph", content: [{ type: "text", text: `[quote ${order}]` }] })
    .run()
}

function element(tag, properties = {}, children = []) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(properties)) {
    if (key === "class") node.className = value
    else if (key in node) node[key] = value
    else node.setAttribute(key, value)
  }
  for (const child of children) node.append(child)
  return node
}

function dialog(title, editor) {
  const heading = element("h2", { textContent: title, id: `body-editor-dialog-${Date.now()}` })
  const box = element("dialog", { class: "body-editor-dialog" })
  box.setAttribute("aria-labelledby", heading.id)
  const close = element("button", { type: "button", class: "button", textContent: "Cancel" })
  close.addEventListener("click", () => box.close())
  box.addEventListener("close", () => {
    box.remove()
    editor.commands.focus()
  })
  box.append(heading)
  document.body.append(box)
  return { box, close }
}

function quotationsInForm() {
  const found = []
  for (const input of document.querySelectorAll("input[name^='quotations-'][name$='-order']")) {
    const prefix = input.name.slice(0, -"order".length)
    const deleted = document.querySelector(`input[name='${prefix}DELETE']`)
    if (!input.value || (deleted && deleted.checked)) continue
    const speaker = document.querySelector(`input[name='${prefix}speaker']`)
    found.push({ order: input.value, speaker: speaker ? speaker.value : "" })
  }
  return found.sort((a, b) => Number(a.order) - Number(b.order))
}

function openQuotationChooser(editor) {
  const { box, close } = dialog("Insert quotation", editor)
  const quotations = quotationsInForm()
  const list = element("ul", { class: "body-editor-choices" })
  for (const quotation of quotations) {
    const label = `Quotation ${quotation.order}${quotation.speaker ? ` — ${quotation.speaker}` : ""}`
    const choose = element("button", { type: "button", class: "button", textContent: label })
    choose.addEventListener("click", () => {
      box.close()
      insertMarker(editor, quotation.order)
    })
    list.append(element("li", {}, [choose]))
  }
  const number = element("input", {
    type: "number",
    min: "1",
    id: "body-editor-quotation-number",
    value: String(quotations.length + 1),
  })
  const place = element("button", { type: "submit", class: "button", textContent: "Place" })
  const form = element("form", { method: "dialog", class: "body-editor-number" }, [
    element("label", { htmlFor: number.id, textContent: "Quotation number" }),
    number,
    place,
  ])
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    const order = Number.parseInt(number.value, 10)
    if (order >= 1) {
      box.close()
      insertMarker(editor, order)
    }
  })
  const help = element("p", {
    textContent: quotations.length
      ? "Choose a quoted source, or place one by its number (add it under “Quoted sources”)."
      : "No quoted source yet: place one by its number and add it under “Quoted sources”.",
  })
  box.append(help, list, form, element("p", { class: "body-editor-actions" }, [close]))
  box.showModal()
  ;(list.querySelector("button") || number).focus()
}

function openImagePicker(editor) {
  const config = JSON.parse(editor.options.element.closest(".prose-editor")?.dataset.config || "{}")
  const { box, close } = dialog("Insert an image from the library", editor)
  const search = element("input", {
    type: "search",
    id: "body-editor-image-search",
    placeholder: "Alt text, caption or credit",
  })
  const status = element("p", { class: "body-editor-status", role: "status" })
  const results = element("ul", { class: "body-editor-images" })
  let pending = null
  let latest = 0
  const load = async () => {
    const request = ++latest
    const url = new URL(config.pickerUrl || PICKER_URL, window.location.href)
    url.searchParams.set("q", search.value)
    status.textContent = "Searching…"
    try {
      const response = await fetch(url, { credentials: "same-origin" })
      if (!response.ok) throw new Error(String(response.status))
      const { images } = await response.json()
      if (request !== latest) return
      results.replaceChildren()
      for (const image of images) {
        const thumbnail = element("img", { src: image.thumbnail, alt: "", loading: "lazy" })
        const text = element("span", {
          textContent: [image.alt, image.caption, image.credit].filter(Boolean).join(" · "),
        })
        const choose = element("button", { type: "button", class: "body-editor-image" }, [
          thumbnail,
          text,
        ])
        choose.setAttribute("aria-label", `Insert: ${image.alt}`)
        choose.addEventListener("click", () => {
          box.close()
          // The figure, then the caret in a paragraph after it.
          editor.chain().focus().insertContent(image.figure).createParagraphNear().run()
        })
        results.append(element("li", {}, [choose]))
      }
      status.textContent = images.length
        ? `${images.length} image${images.length === 1 ? "" : "s"}`
        : "No image matches. Upload one under Articles › Library images."
    } catch (error) {
      status.textContent = "The library could not be searched; try again."
    }
  }
  search.addEventListener("input", () => {
    clearTimeout(pending)
    pending = setTimeout(load, 250)
  })
  box.append(
    element("label", { htmlFor: search.id, textContent: "Search the library" }),
    search,
    status,
    results,
    element("p", { class: "body-editor-actions" }, [close]),
  )
  box.showModal()
  search.focus()
  load()
}

let PICKER_URL = ""

function extensions() {
  return [
    Document,
    Paragraph,
    Text,
    HardBreak,
    History,
    Dropcursor,
    Gapcursor,
    Menu,
    Heading.configure({ levels: [2, 3, 4] }),
    ArticleBold,
    ArticleItalic,
    Underline,
    Strike,
    Subscript,
    Superscript,
    Code,
    CodeBlock.configure({ languageClassPrefix: null, HTMLAttributes: {} }),
    Deleted,
    Inserted,
    Marked,
    Cite,
    Abbreviation,
    InlineQuote,
    ArticleLink,
    BulletList,
    ArticleOrderedList,
    ListItem,
    Blockquote,
    HorizontalRule,
    ArticleTable,
    TableRow,
    TableHeader,
    TableCell,
    LibraryFigure,
    QuotationMarker,
  ]
}

// django-prose-editor's createTextareaEditor, without Tiptap's injected
// <style> element (the CSP allows no inline style; its rules are in editor.css).
function createTextareaEditor(textarea, extensions) {
  const disabled = textarea.hasAttribute("disabled")
  const wrapper = element("div", { class: `prose-editor${disabled ? " disabled" : ""}` })
  textarea.before(wrapper)
  wrapper.append(textarea)
  return new Editor({
    element: wrapper,
    editable: !disabled,
    injectCSS: false,
    extensions,
    content: textarea.value,
    onUpdate({ editor }) {
      const html = editor.getHTML()
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html
      textarea.dispatchEvent(new Event("input", { bubbles: true }))
    },
    onDestroy() {
      wrapper.before(textarea)
      wrapper.remove()
    },
  })
}

function start(textarea) {
  if (textarea.dataset.bodyEditorStarted) return
  textarea.dataset.bodyEditorStarted = "yes"
  const config = JSON.parse(textarea.dataset.bodyEditor || "{}")
  PICKER_URL = config.pickerUrl || PICKER_URL
  MEDIA_URL = config.mediaUrl || MEDIA_URL
  // Pages place no quotations: no "Insert quotation" button.
  const wanted = extensions().filter((e) => config.quotations !== false || e !== QuotationMarker)
  const editor = createTextareaEditor(textarea, wanted)
  const wrapper = textarea.closest(".prose-editor")
  if (wrapper) wrapper.dataset.config = textarea.dataset.bodyEditor || "{}"
  textarea.dispatchEvent(
    new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }),
  )
  window.strategistBodyEditors = window.strategistBodyEditors || []
  window.strategistBodyEditors.push(editor)
}

function startAll() {
  for (const textarea of document.querySelectorAll("textarea[data-body-editor]")) {
    start(textarea)
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startAll)
} else {
  startAll()
}
