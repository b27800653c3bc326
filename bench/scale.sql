-- The scale data set of bench/scale.py: a publication of twenty years, made
-- with bulk SQL in one psql session on a freshly migrated database.
--
-- psql variables (bench/scale.py sets them): articles, comments, seed.
-- Every random choice comes from random() after setseed(:seed) in this one
-- session with parallel query off, so a run is reproducible.
-- Lines "\echo step: NAME" mark the steps bench/scale.py times.
--
-- Only columns present at the first scale commit are written; a stored or
-- generated column added later is filled by PostgreSQL itself.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SET synchronous_commit = off;
-- No foreign-key triggers: the rows are consistent by construction.
SET session_replication_role = replica;
SET TIME ZONE 'America/New_York';
SELECT setseed(:seed) \gset x_

-- Sizes derived from the two that are given.
SELECT greatest(:articles / 100, 1) AS hot_articles,
       :comments / 2 AS hot_comments,
       :comments - :comments / 2 AS other_comments,
       greatest(:articles * 4, 20000) AS sentences,
       least(greatest(:comments / 40, 1000), 50000) AS comment_bodies,
       least(greatest(:comments / 40, 1000), 50000) AS commenters
\gset

\echo step: drop secondary indexes
-- Bulk loads are faster without them; they are rebuilt from their own
-- definitions at the end (whatever migrations made them).
CREATE TEMP TABLE saved_index AS
SELECT i.indexname, i.indexdef
FROM pg_indexes i
WHERE i.schemaname = 'public'
  AND i.tablename IN ('posts_article', 'posts_article_authors', 'posts_article_tags',
                      'posts_quotation', 'comments_comment', 'comments_holdreason')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
DO $$
DECLARE name text;
BEGIN
  FOR name IN SELECT indexname FROM saved_index LOOP
    EXECUTE format('DROP INDEX %I', name);
  END LOOP;
END $$;

\echo step: vocabulary and sentences
-- Ranked words: function words, then the language of political commentary,
-- then made-up words to a few thousand. A word of rank k is drawn with
-- probability about 1 / (k ln N) (Zipf), so "voters" or "democratic" are in
-- most articles and the made-up words of high rank in a few percent.
CREATE TEMP TABLE vocab (rank int PRIMARY KEY, word text NOT NULL);
INSERT INTO vocab
SELECT ord, w FROM unnest(string_to_array(
  'the of and to a in that is for it on as with was by be this are not but at from have '
  'they or an their his more has will who which would one about than been were all if '
  'can what when so its there we out also into most just like other our could some only '
  'voters democrats party republicans political election democratic campaign vote '
  'majority senate house state president states new people voting working class polls '
  'years support white strategy candidates trump obama biden congress policy american '
  'public government districts turnout black latino suburban rural urban county counties '
  'midterms primary candidate percent seats swing message economic economy jobs wages '
  'health care reform progressive moderate conservative liberal independent independents '
  'coalition base issue issues national federal legislation bill power win won lost losing '
  'winning gop dems governor race races survey data analysis argument views view debate '
  'ads advertising media news record leaders leadership strategic strategists pollster '
  'pollsters margin margins gap share registered likely electorate demographic demographics '
  'generation young older women men college educated degree noncollege income families '
  'workers labor unions union immigration border climate energy taxes tax spending budget '
  'deficit court supreme justice rights abortion guns crime police security foreign war '
  'trade china russia inflation prices housing rent education schools students debt '
  'insurance medicare medicaid social benefits program programs reforms agenda platform '
  'message messaging framing narrative populist populism elite elites establishment '
  'activists grassroots donors money fundraising spending outside groups organizers '
  'canvassing mobilization persuasion persuadable undecided partisan partisanship '
  'polarization polarized moderates centrist centrists left right wing faction caucus '
  'filibuster cloture committee hearing vote votes ballot ballots mail early absentee '
  'registration suppression fraud count recount certification electoral college map '
  'battleground battlegrounds pennsylvania michigan wisconsin arizona georgia nevada '
  'ohio florida texas carolina virginia iowa minnesota colorado hampshire maine '
  'presidential congressional legislative gubernatorial incumbent incumbents challenger '
  'open seat retirement redistricting gerrymander gerrymandering census population '
  'growth decline shift shifts realignment dealignment trend trends cycle cycles wave '
  'landslide narrow close tight lead leads trailing ahead behind points favorability '
  'approval rating ratings disapproval unpopular popular brand image reputation values '
  'faith religious evangelical catholic secular culture cultural identity rhetoric '
  'speech speeches interview column op ed memo essay report study research evidence '
  'findings estimate estimates model models forecast forecasts projection projections '
  'exit poll crosstabs sample respondents question questions answer answers problem '
  'problems solution solutions plan plans proposal proposals promise promises compromise '
  'deal deals negotiation negotiations shutdown ceiling stimulus recovery recession '
  'unemployment manufacturing industry industrial factory factories small business '
  'businesses corporate corporations wall street banks bank financial regulation '
  'regulations infrastructure roads bridges broadband internet technology tech social '
  'networks platforms misinformation truth facts lies accountability oversight '
  'investigation impeachment scandal corruption ethics transparency reformers '
  'administration white cabinet secretary agency agencies bureaucracy executive order '
  'orders veto override amendment constitution constitutional originalism judges '
  'nominee nominees confirmation majority minority leader whip speaker chamber floor',
  ' ')) WITH ORDINALITY AS u(w, ord);
-- Made-up words fill the ranks up to 4,000 (two syllables and an ending).
INSERT INTO vocab
SELECT r, (string_to_array('bar cal den fil gor han jes kel lom mar nor pel ros sal tor vel win yor zan bel', ' '))[1 + (i % 20)]
       || (string_to_array('a e i o u', ' '))[1 + (i / 20) % 5]
       || (string_to_array('ck dge ft lt mp nd nk nt pt rb rd rk rm rn rp rt sk sp st th ck ll ss tch ve lve nce nse rse sh ng nch mb mn rl wn xt lk ld lf ct', ' '))[1 + (i / 100) % 40]
FROM (SELECT (SELECT max(rank) FROM vocab) + g AS r, g - 1 AS i
      FROM generate_series(1, 4000 - (SELECT count(*) FROM vocab)::int) g) s;
SELECT count(*) AS vocabulary FROM vocab \gset

-- The rare words: 64,000 made-up words of three syllables, each drawn
-- uniformly into one sentence per article, so each is in a handful of
-- articles. bench/scale.py computes the same word for its rare-word search:
-- word(i) = A[i % 40] || B[(i / 40) % 40] || C[(i / 1600) % 40].
CREATE TEMP TABLE rare (id int PRIMARY KEY, word text NOT NULL);
INSERT INTO rare
SELECT i, (string_to_array('qua zo vi ka lu mo ne ri sa te fu go ha ji ke la mi no pu ro si tu va we xa yo za bi co di ep ix ul ob ak em in os ur ya', ' '))[1 + i % 40]
          || (string_to_array('bra cre dri fle glo kru pla pro sta tri vol mar nid ter sol pan ril gos tav bek lim dor fas wel zin hup cav mot ser jal nov pes rud tok gam lev bir kon sut zal', ' '))[1 + (i / 40) % 40]
          || (string_to_array('ix ox ax ent ish ium ora elle ando ito ark ost ine ule yx ath orn ain eck upt usk ilt oom eel ard irk aft ump ess ode ake ime ure ope eve ast ict olm urn ymph', ' '))[1 + (i / 1600) % 40]
FROM generate_series(0, 63999) i;

-- Sentences of 8 to 22 words drawn by rank; articles and comments are made of them.
CREATE TEMP TABLE sentence (id int PRIMARY KEY, text text NOT NULL);
INSERT INTO sentence
SELECT s, upper(left(t, 1)) || substr(t, 2) || '.'
FROM (
  SELECT x.s, string_agg(v.word, ' ') AS t
  FROM (SELECT s, least(floor(exp(random() * ln(:vocabulary + 1)))::int, :vocabulary) AS r
        FROM generate_series(1, :sentences) s, generate_series(1, 8 + (s * 7) % 15) w) x
  JOIN vocab v ON v.rank = x.r
  GROUP BY x.s
) y;

\echo step: authors, tags, outlets
\set firsts '{James,Mary,Robert,Patricia,John,Jennifer,Michael,Linda,David,Elizabeth,William,Barbara,Richard,Susan,Joseph,Jessica,Thomas,Sarah,Charles,Karen,Daniel,Nancy,Matthew,Lisa,Anthony,Betty,Mark,Margaret,Donald,Sandra,Steven,Ashley,Paul,Kimberly,Andrew,Emily,Joshua,Donna,Kenneth,Michelle,Kevin,Carol,Brian,Amanda,George,Melissa,Edward,Deborah,Ruy,Ed,Stan,Ruth,Karen,Leo,Nadia,Omar,Priya,Wei,Carmen,Diego}'
\set lasts '{Smith,Johnson,Williams,Brown,Jones,Garcia,Miller,Davis,Rodriguez,Martinez,Hernandez,Lopez,Gonzalez,Wilson,Anderson,Thomas,Taylor,Moore,Jackson,Martin,Lee,Perez,Thompson,White,Harris,Sanchez,Clark,Ramirez,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,Torres,Nguyen,Hill,Flores,Green,Adams,Nelson,Baker,Hall,Rivera,Campbell,Mitchell,Carter,Roberts,Teixeira,Kilgore,Greenberg,Levison,Judis,Halpin,Abramowitz,Cohn,Silver,Wasserman,Kapur,Okafor,Brennan,Sullivan,Murphy,Kowalski,Novak,Schmidt,Fischer,Weber,Rossi,Russo,Chen,Wang,Patel,Shah,Kim,Park,Yamamoto,Cohen}'
INSERT INTO posts_author (id, name, slug, bio, email, wordpress_login, user_id)
SELECT i, name,
       lower(replace(name, ' ', '-')) || CASE WHEN row_number() OVER (PARTITION BY name ORDER BY i) > 1
                                              THEN '-' || i ELSE '' END,
       name || ' writes about ' || (string_to_array('polling and public opinion|the working-class vote|Congress and the Senate map|campaign strategy|the suburbs|demographic change|messaging and framing|state legislatures', '|'))[1 + i % 8] || '.',
       '', '', NULL
FROM (SELECT i, (:'firsts'::text[])[1 + (i * 7) % 60] || ' ' || (:'lasts'::text[])[1 + (i * 13) % 80] AS name
      FROM generate_series(1, 300) i) a;

-- Tags, the most used first: topics, states, races, election years.
INSERT INTO posts_tag (id, name, slug)
SELECT row_number() OVER (ORDER BY ord), name,
       lower(regexp_replace(name, '[^A-Za-z0-9]+', '-', 'g'))
FROM (
  SELECT ord, name FROM unnest(string_to_array(
    'Polling|Swing Voters|Working Class|Senate|Midterms|Turnout|Messaging|Suburbs|Congress|Strategy|Economy|Health Care|Immigration|Democratic Party|Republicans|Trump|Obama|Biden|Latino Voters|Black Voters|Young Voters|Rural Voters|White Working Class|College-Educated Voters|Women Voters|Independents|Progressives|Moderates|Populism|Polarization|Redistricting|Voting Rights|Election Law|Primaries|Presidential Elections|House Races|Governors|State Legislatures|Campaign Finance|Advertising|Media|Public Opinion|Demographics|Realignment|Coalitions|Labor Unions|Wages|Inflation|Taxes|Budget|Climate|Energy|Abortion|Guns|Crime|Education|Housing|Foreign Policy|Trade|Supreme Court|Filibuster|Impeachment|Electoral College|Forecasts|Exit Polls|Turnout Models|Persuasion|Mobilization|Grassroots|Donors|Framing|Culture War|Religion|Evangelicals|Catholics|Infrastructure|Technology|Misinformation|Social Security|Medicare|Medicaid|Obamacare|Stimulus|Recession|Unemployment|Manufacturing|Small Business|Wall Street|Regulation|Ethics|Corruption|Transparency|Leadership|Caucus|Speaker|Cabinet|Executive Orders|Veto|Constitution|Judges',
    '|')) WITH ORDINALITY AS u(name, ord)
  UNION ALL
  SELECT 100 + ord, name FROM unnest(string_to_array(
    'Pennsylvania|Michigan|Wisconsin|Arizona|Georgia|Nevada|Ohio|Florida|Texas|North Carolina|Virginia|Iowa|Minnesota|Colorado|New Hampshire|Maine|California|New York|Illinois|New Jersey|Massachusetts|Washington|Oregon|New Mexico|Montana|Missouri|Indiana|Kansas|Kentucky|Tennessee|Alabama|Mississippi|Louisiana|Arkansas|Oklahoma|South Carolina|West Virginia|Maryland|Delaware|Connecticut|Rhode Island|Vermont|Utah|Idaho|Wyoming|Nebraska|South Dakota|North Dakota|Alaska|Hawaii',
    '|')) WITH ORDINALITY AS u(name, ord)
  UNION ALL
  SELECT 150 + (s.ord - 1) * 6 + k.ord, s.name || ' ' || k.name
  FROM unnest(string_to_array('Pennsylvania|Michigan|Wisconsin|Arizona|Georgia|Nevada|Ohio|Florida|Texas|North Carolina|Virginia|Iowa|Minnesota|Colorado|New Hampshire|Maine|California|New York|Illinois|New Jersey|Massachusetts|Washington|Oregon|New Mexico|Montana|Missouri|Indiana|Kansas|Kentucky|Tennessee|Alabama|Mississippi|Louisiana|Arkansas|Oklahoma|South Carolina|West Virginia|Maryland|Delaware|Connecticut|Rhode Island|Vermont|Utah|Idaho|Wyoming|Nebraska|South Dakota|North Dakota|Alaska|Hawaii', '|'))
         WITH ORDINALITY AS s(name, ord),
       unnest(string_to_array('Senate Race|Governor Race|House Races|Legislature|Ballot Measures|Primary', '|'))
         WITH ORDINALITY AS k(name, ord)
  UNION ALL
  SELECT 460 + y - 2005, y || ' Elections' FROM generate_series(2006, 2026) y
  UNION ALL
  SELECT 490 + ord, name FROM unnest(string_to_array('Book Reviews|Interviews|Data|Charts|Memos|Letters|Corrections|Announcements|Events|Podcasts', '|'))
    WITH ORDINALITY AS u(name, ord)
) t;

INSERT INTO posts_outlet (id, name, slug, home_url)
SELECT ord, name, lower(regexp_replace(name, '[^A-Za-z0-9]+', '-', 'g')),
       'https://www.' || lower(regexp_replace(name, '[^A-Za-z0-9]+', '', 'g')) || '.com/'
FROM unnest(string_to_array(
  'Politico|The New York Times|The Washington Post|The Atlantic|FiveThirtyEight|The New Republic|Vox|The American Prospect|National Review|The Wall Street Journal|Axios|The Hill|Roll Call|CNN|NPR|The Guardian|Bloomberg|Reuters|Associated Press|Washington Monthly|Slate|Salon|The Nation|Mother Jones|The Bulwark|The Dispatch|New York Magazine|Cook Political Report|Sabato''s Crystal Ball|Pew Research Center',
  '|')) WITH ORDINALITY AS u(name, ord);

\echo step: articles
-- One row per article, in publication order (ids follow pub_date).
CREATE TEMP TABLE art (
  id int PRIMARY KEY, pub_date timestamptz NOT NULL, title text NOT NULL, slug text,
  dek text NOT NULL, paragraphs int NOT NULL, quotes int NOT NULL
);
\set templates '{"Why Democrats Keep Losing %s","The %s Problem","What %s Means for %s","How %s Could Decide %s","A Note on %s","%s and the Fight for %s","Can Democrats Win %s?","The Case for %s","Memo: %s","Polls Show %s Shifting on %s","%s Is Not the Answer","Five Lessons From %s","The Myth of %s","Where %s Went Wrong","%s, Revisited","Reading the Polls on %s","The Real Story of %s","Don''t Write Off %s","What %s Gets Wrong About %s","%s After %s"}'
\set phrases '{"Rural Voters","the Senate Map","Suburban Women","the Midterms","Health Care","the Working Class","Young Voters","Latino Voters","Black Turnout","the Swing States","the Filibuster","Inflation","the Minimum Wage","the Electoral College","Redistricting","the Supreme Court","Immigration","Climate Policy","the Culture War","Populism","the Base","Independents","the Rust Belt","the Sun Belt","Wisconsin","Pennsylvania","Arizona","Georgia","Ohio","Florida","Texas","Michigan","Nevada","North Carolina","Trump","Obama","Biden","the GOP","the Democratic Coalition","Turnout Models","the Exit Polls","Messaging","Persuasion","Mobilization","Early Voting","Mail Ballots","the Primaries","the Convention","the Debates","Campaign Ads","Small Donors","Super PACs","Labor Unions","the Economy","Jobs","Taxes","the Deficit","Social Security","Medicare","Obamacare","Abortion Rights","Gun Safety","Crime","Education","Student Debt","Housing","Trade","China","Foreign Policy","Polarization","Realignment","Demographic Change","the Majority","a Permanent Majority","the Center","the Left","Moderates","Progressives","Evangelicals","Catholic Voters","College Graduates","Noncollege Voters","the Gender Gap","the Marriage Gap","the Suburbs","the Cities","Small Towns","Appalachia","the Midwest","the South","the West","the House","the Senate","Governors","State Legislatures","Ballot Measures","Voting Rights","Election Security","Misinformation"}'
INSERT INTO art (id, pub_date, title, dek, paragraphs, quotes)
SELECT row_number() OVER (ORDER BY pub_date, k), pub_date,
       replace(format(tpl, p1, p2), '  ', ' '),
       '', 5 + floor(random() * 5)::int,
       CASE WHEN q < 0.4 THEN 0 WHEN q < 0.7 THEN 1 WHEN q < 0.9 THEN 2 ELSE 3 END
FROM (
  SELECT k,
         timestamptz '2006-12-01 00:00 America/New_York'
           + random() * (timestamptz '2026-11-30 12:00 America/New_York'
                         - timestamptz '2006-12-01 00:00 America/New_York') AS pub_date,
         (:'templates'::text[])[1 + floor(random() * 20)::int] AS tpl,
         (:'phrases'::text[])[least(floor(exp(random() * ln(101)))::int, 100)] AS p1,
         (:'phrases'::text[])[1 + floor(random() * 100)::int] AS p2,
         random() AS q
  FROM generate_series(1, :articles) k
) s;
-- Titles start with a capital; slugs are unique within a month of the
-- site's time zone (the second "the-case-for-jobs" of a month gets "-2").
UPDATE art SET title = upper(left(title, 1)) || substr(title, 2);
UPDATE art SET slug = s.slug
FROM (
  SELECT id, base || CASE WHEN n > 1 THEN '-' || n ELSE '' END AS slug
  FROM (SELECT id, base, row_number() OVER (PARTITION BY base, date_trunc('month', pub_date) ORDER BY id) AS n
        FROM (SELECT id, pub_date, left(trim(both '-' FROM lower(regexp_replace(title, '[^A-Za-z0-9]+', '-', 'g'))), 80) AS base
              FROM art) b) c
) s
WHERE art.id = s.id;
-- Deks: one or two sentences.
UPDATE art SET dek = d.dek
FROM (SELECT a.id, string_agg(s.text, ' ') AS dek
      FROM art a, generate_series(1, 2) n, sentence s
      WHERE s.id = 1 + ((a.id::bigint * 104729 + n * 7919) % :sentences) AND (n = 1 OR a.id % 3 = 0)
      GROUP BY a.id) d
WHERE art.id = d.id;

-- Paragraphs of 4 to 9 sentences; the first also holds one sentence of rare
-- words; a quotation's marker is a paragraph of its own after paragraph 2, 4, 6.
CREATE TEMP TABLE para AS
SELECT x.article_id, x.pos, string_agg(s.text, ' ') AS text
FROM (SELECT a.id AS article_id, p * 2 AS pos,
             1 + floor(random() * :sentences)::int + 0 * k AS sentence_id
      FROM art a, generate_series(1, a.paragraphs) p, generate_series(1, 9) k
      WHERE k <= 4 + (a.id * 31 + p * 17) % 6) x
JOIN sentence s ON s.id = x.sentence_id
GROUP BY x.article_id, x.pos;
UPDATE para SET text = para.text || ' ' || r.text
FROM (SELECT article_id, upper(left(t, 1)) || substr(t, 2) || '.' AS text
      FROM (SELECT x.article_id, string_agg(r.word, ' ') AS t
            FROM (SELECT a.id AS article_id, floor(random() * 64000)::int + 0 * k AS rare_id
                  FROM art a, generate_series(1, 6) k) x
            JOIN rare r ON r.id = x.rare_id
            GROUP BY x.article_id) y) r
WHERE para.article_id = r.article_id AND para.pos = 2;
INSERT INTO para
SELECT a.id, j * 4 + 1, '[quote ' || j || ']'
FROM art a, generate_series(1, 3) j
WHERE j <= a.quotes;

INSERT INTO posts_article (id, title, slug, dek, body, body_format, body_html, status, pub_date,
                           created, updated, featured_image, featured_image_alt,
                           featured_image_caption, image_renditions, comments_open, wordpress_id)
SELECT a.id, a.title, a.slug, a.dek,
       string_agg(p.text, E'\n\n' ORDER BY p.pos), 'text',
       string_agg('<p>' || p.text || '</p>', E'\n\n' ORDER BY p.pos),
       'published', a.pub_date, a.pub_date - interval '3 hours',
       a.pub_date + (a.id % 5) * interval '1 day', '', '', '', '{}'::jsonb, true, NULL
FROM art a JOIN para p ON p.article_id = a.id
GROUP BY a.id
ORDER BY a.id;
DROP TABLE para;

\echo step: bylines, tags, quotations
-- One author (two for three articles in ten), chosen with a Zipf skew.
CREATE TEMP TABLE byline AS
SELECT id AS article_id, least(floor(exp(random() * ln(301)))::int, 300) AS first,
       random() < 0.3 AS two, random() AS r
FROM art;
INSERT INTO posts_article_authors (article_id, author_id)
SELECT article_id, first FROM byline
UNION ALL
SELECT article_id, 1 + (first - 1 + 1 + floor(r * 299)::int) % 300 FROM byline WHERE two;
DROP TABLE byline;
-- Two different tags per article, Zipf-skewed over 500.
INSERT INTO posts_article_tags (article_id, tag_id)
SELECT article_id, t FROM (
  SELECT id AS article_id, least(floor(exp(random() * ln(501)))::int, 500) AS first,
         least(floor(exp(random() * ln(501)))::int, 500) AS second
  FROM art) s,
LATERAL (VALUES (first), (CASE WHEN second = first THEN 1 + first % 500 ELSE second END)) v(t);
-- 0 to 3 quotations (order 1..3) from 30 outlets.
INSERT INTO posts_quotation (article_id, speaker, outlet_id, source_url, text, "order")
SELECT a.id,
       (:'firsts'::text[])[1 + floor(random() * 60)::int] || ' ' || (:'lasts'::text[])[1 + floor(random() * 80)::int],
       o.id,
       o.home_url || to_char(a.pub_date, 'YYYY/MM/DD/') || a.slug || '-' || a.j || '/',
       s.text || ' ' || s2.text,
       a.j
FROM (SELECT a.id, a.pub_date, a.slug, j, least(floor(exp(random() * ln(31)))::int, 30) AS outlet_id
      FROM art a, generate_series(1, 3) j
      WHERE j <= a.quotes) a
JOIN posts_outlet o ON o.id = a.outlet_id
JOIN sentence s ON s.id = 1 + (a.id::bigint * 7 + a.j * 104729) % :sentences
JOIN sentence s2 ON s2.id = 1 + (a.id::bigint * 13 + a.j * 15485863) % :sentences;

\echo step: commenters and comment texts
CREATE TEMP TABLE commenter (id int PRIMARY KEY, name text, email text, url text, ip inet);
INSERT INTO commenter
SELECT i,
       CASE WHEN i % 7 = 0 THEN lower(l) || '_' || (i % 100) ELSE f || ' ' || l END,
       lower(f) || '.' || lower(l) || i || '@' || (string_to_array('gmail.com yahoo.com hotmail.com outlook.com aol.com icloud.com proton.me comcast.net', ' '))[1 + i % 8],
       CASE WHEN i % 10 = 3 THEN 'https://' || lower(l) || i || '.example.net/' ELSE '' END,
       inet '24.0.0.0' + ((i::bigint * 2654435761) % 150000000)
FROM (SELECT i, (:'firsts'::text[])[1 + i % 60] AS f, (:'lasts'::text[])[1 + (i / 60 + i * 7) % 80] AS l
      FROM generate_series(1, :commenters) i) c;
-- Comment texts: three to five sentences (about 57 words).
CREATE TEMP TABLE comment_text (id int PRIMARY KEY, body text NOT NULL);
INSERT INTO comment_text
SELECT x.id, string_agg(s.text, ' ')
FROM (SELECT b AS id, 1 + floor(random() * :sentences)::int + 0 * k AS sentence_id
      FROM generate_series(1, :comment_bodies) b, generate_series(1, 5) k
      WHERE k <= 3 + b % 3) x
JOIN sentence s ON s.id = x.sentence_id
GROUP BY x.id;

\echo step: comments
-- Half the comments on 1 % of the articles, the rest spread (mildly skewed)
-- over the others; each submitted after its article, mostly in its first days.
CREATE TEMP TABLE hot AS
SELECT row_number() OVER () AS n, id FROM (SELECT id FROM art ORDER BY random() LIMIT :hot_articles) h;
CREATE TEMP TABLE cold AS
SELECT row_number() OVER (ORDER BY random()) AS n, id FROM art WHERE id NOT IN (SELECT id FROM hot);
SELECT count(*) AS cold_articles FROM cold \gset
CREATE TEMP TABLE c0 AS
SELECT k, article_id,
       least(a.pub_date + interval '5 minutes' + power(random(), 3) * interval '30 days',
             now() - interval '1 minute' * (1 + random() * 60)) AS submitted,
       1 + floor(power(random(), 2) * :commenters)::int AS commenter_id,
       1 + floor(random() * :comment_bodies)::int AS text_id,
       random() AS u
FROM (
  SELECT x.k, h.id AS article_id
  FROM (SELECT k, 1 + floor(random() * :hot_articles)::int AS n
        FROM generate_series(1, :hot_comments) k) x
  JOIN hot h ON h.n = x.n
  UNION ALL
  SELECT :hot_comments + x.k, d.id
  FROM (SELECT k, 1 + floor(power(random(), 1.3) * :cold_articles)::int AS n
        FROM generate_series(1, :other_comments) k) x
  JOIN cold d ON d.n = x.n
) c
JOIN art a ON a.id = c.article_id;
-- Ids in order of (article, submitted): a reply's parent is an earlier
-- comment of the same article, one of the rn - 1 ids just before its own.
\set agents '{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36","Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15","Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1","Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0","Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36","Mozilla/5.0 (Windows NT 6.1; rv:40.0) Gecko/20100101 Firefox/40.0"}'
INSERT INTO comments_comment (id, article_id, parent_id, author_name, author_email, author_url,
                              user_id, body, body_html, status, status_before, captcha_score,
                              ip_address, user_agent, cookie_consent, submitted, approved_at,
                              approved_by_id, wordpress_id)
SELECT x.id, x.article_id,
       CASE WHEN x.rn > 1 AND random() < 0.34 THEN x.id - 1 - floor(random() * (x.rn - 1))::bigint END,
       m.name, m.email, m.url, NULL, t.body, '<p>' || t.body || '</p>', x.status,
       CASE WHEN x.status = 'trash' AND x.u < 0.99 THEN 'pending' ELSE '' END,
       round((CASE x.status WHEN 'approved' THEN 0.7 + random() * 0.3 WHEN 'pending' THEN 0.5 + random() * 0.4
                            WHEN 'spam' THEN random() * 0.3 ELSE 0.3 + random() * 0.5 END)::numeric, 1)::float8,
       m.ip, (:'agents'::text[])[1 + x.commenter_id % 6], x.commenter_id % 3 = 0, x.submitted,
       CASE WHEN x.status = 'approved' THEN x.submitted + random() * interval '6 hours' END,
       NULL, NULL
FROM (SELECT row_number() OVER (ORDER BY article_id, submitted, k) AS id,
             row_number() OVER (PARTITION BY article_id ORDER BY submitted, k) AS rn,
             article_id, submitted, commenter_id, text_id, u,
             CASE WHEN u < 0.90 THEN 'approved' WHEN u < 0.95 THEN 'pending'
                  WHEN u < 0.98 THEN 'spam' ELSE 'trash' END AS status
      FROM c0) x
JOIN commenter m ON m.id = x.commenter_id
JOIN comment_text t ON t.id = x.text_id
ORDER BY x.id;
DROP TABLE c0;

\echo step: hold reasons
INSERT INTO comments_holdreason (comment_id, code, detail)
SELECT id,
       CASE WHEN status = 'spam' THEN 'low_score'
            WHEN status = 'trash' THEN 'disallowed_word'
            WHEN id % 10 = 0 THEN 'too_many_links'
            WHEN id % 10 = 1 THEN 'hold_word'
            ELSE 'first_comment' END,
       CASE WHEN status = 'spam' THEN 'score ' || captcha_score
            WHEN status = 'trash' THEN 'casino'
            WHEN id % 10 = 0 THEN '3 links'
            WHEN id % 10 = 1 THEN 'filibuster'
            ELSE '' END
FROM comments_comment
WHERE status IN ('pending', 'spam') OR (status = 'trash' AND id % 2 = 0);

\echo step: rebuild indexes
DO $$
DECLARE definition text;
BEGIN
  FOR definition IN SELECT indexdef FROM saved_index LOOP
    EXECUTE definition;
  END LOOP;
END $$;
-- Sequences continue after the ids given explicitly.
SELECT setval(pg_get_serial_sequence('posts_article', 'id'), (SELECT max(id) FROM posts_article));
SELECT setval(pg_get_serial_sequence('posts_author', 'id'), (SELECT max(id) FROM posts_author));
SELECT setval(pg_get_serial_sequence('posts_tag', 'id'), (SELECT max(id) FROM posts_tag));
SELECT setval(pg_get_serial_sequence('posts_outlet', 'id'), (SELECT max(id) FROM posts_outlet));
SELECT setval(pg_get_serial_sequence('comments_comment', 'id'), (SELECT max(id) FROM comments_comment));
SET session_replication_role = origin;
\echo step: done
