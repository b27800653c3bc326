# Article bodies keep each paragraph on one line, as an editor types them.
# ruff: noqa: E501
"""
The demo publication loaded by ``manage.py load_demo``.

Every article, passage and name here was written for the demo: the reporters
are invented, and the quoted passages are not from real articles (their
addresses point at the outlets' sites but at no real page).
"""

MASTHEAD = {
    "name": "The Democratic Strategist",
    "tagline": "Political Strategy for a Permanent Democratic Majority",
    "place_line": "washington, dc",
}

AUTHORS = [
    {
        "slug": "margaret-okafor",
        "name": "Margaret Okafor",
        "bio": "Margaret Okafor has run field programs in four presidential cycles and writes "
        "about turnout, organizing and the mechanics of winning close races.",
    },
    {
        "slug": "daniel-reyes",
        "name": "Daniel Reyes",
        "bio": "Daniel Reyes is a survey researcher who studies how working-class voters of "
        "every background decide between the parties.",
    },
    {
        "slug": "ruth-lindqvist",
        "name": "Ruth Lindqvist",
        "bio": "Ruth Lindqvist covers state legislatures, redistricting and the long game of "
        "building majorities from the ground up.",
    },
    {
        "slug": "samuel-adeyemi",
        "name": "Samuel Adeyemi",
        "bio": "Samuel Adeyemi writes about messaging, media and the economics voters feel "
        "at the kitchen table.",
    },
]

OUTLETS = [
    {"slug": "politico", "name": "Politico", "home_url": "https://www.politico.com/"},
    {"slug": "the-new-york-times", "name": "The New York Times", "home_url": "https://www.nytimes.com/"},
    {"slug": "the-washington-post", "name": "The Washington Post", "home_url": "https://www.washingtonpost.com/"},
    {"slug": "the-atlantic", "name": "The Atlantic", "home_url": "https://www.theatlantic.com/"},
    {"slug": "axios", "name": "Axios", "home_url": "https://www.axios.com/"},
]  # fmt: skip

TAGS = [
    ("strategy", "Strategy"),
    ("polling", "Polling"),
    ("midterms", "Midterms"),
    ("working-class-voters", "Working-Class Voters"),
    ("suburbs", "Suburbs"),
    ("messaging", "Messaging"),
    ("turnout", "Turnout"),
    ("economy", "Economy"),
    ("rural-voters", "Rural Voters"),
    ("state-legislatures", "State Legislatures"),
]

# days_ago: how long before the first load the article was published.
ARTICLES = [
    {
        "slug": "the-map-is-bigger-than-the-battlegrounds",
        "title": "The Map Is Bigger Than the Battlegrounds",
        "dek": "Competing only where the last race was close guarantees the next one will be "
        "close too. A permanent majority needs a wider field.",
        "authors": ["ruth-lindqvist"],
        "tags": ["strategy", "state-legislatures"],
        "days_ago": 1,
        "image": True,
        "body": """Every cycle the party draws the same map: six or seven states where the last presidential margin was within a few points, and a long list of places written off as out of reach. The logic is tidy. Money is finite, and it should go where it can tip an outcome.

But the tidy logic has a cost that never shows up in a single year's budget. A state abandoned for three cycles loses its county chairs, its candidate pipeline and its volunteers' phone lists. When the political weather finally turns, there is no one left to take advantage of it.

[quote 1]

The alternative is not to spend evenly everywhere. It is to treat the down-ballot map as the real battleground: state house seats, county commissions and school boards in places the top of the ticket will lose by ten. Those races are cheap, they build a bench, and they keep a party's name on the ballot where voters would otherwise never see it.

A majority that lasts is built in the years nobody is watching.""",
        "quotations": [
            {
                "speaker": "Helen Marsh",
                "outlet": "politico",
                "path": "news/demo/state-parties-rebuild",
                "text": "State party officials describe a familiar cycle: national attention "
                "arrives in the final ninety days, then leaves with the consultants, and the "
                "local organization is smaller every time it comes back.",
            },
        ],
    },
    {
        "slug": "what-the-crosstabs-are-not-telling-you",
        "title": "What the Crosstabs Are Not Telling You",
        "dek": "Subgroup numbers in a single poll swing wildly. Read them as a rumor, not a "
        "finding, until several surveys agree.",
        "authors": ["daniel-reyes"],
        "tags": ["polling"],
        "days_ago": 3,
        "body": """A national poll of a thousand adults contains perhaps a hundred and twenty young voters and fewer than a hundred Latino voters. The margin of error on those subgroups is not three points. It is closer to ten.

That does not make the numbers useless. It makes them noisy, and noise rewards patience. One survey showing a collapse among young voters is a curiosity; five surveys from different firms, with different methods, showing the same drift is a pattern worth acting on.

[quote 1]

The practical rule for campaigns is simple: average before you panic. Pool the subgroup results from every credible poll released in a month, weight them by sample size, and compare the pool with the same pool a year earlier. What survives that test is real.

And when the averaged number does move, ask what changed in voters' lives rather than what changed in the ads. Movements in opinion usually follow movements in prices, jobs and rent.""",
        "quotations": [
            {
                "speaker": "Alan Whitcombe",
                "outlet": "the-new-york-times",
                "path": "demo/polling-subgroups",
                "text": "Pollsters themselves warn that the smaller groups inside a national "
                "sample can move by double digits from one week to the next without a single "
                "voter changing their mind.",
            },
            {
                "speaker": "Priya Natarajan",
                "outlet": "axios",
                "path": "demo/poll-averages",
                "text": "Averages of subgroup results across firms have proved far steadier than "
                "any single survey, and they rarely show the sudden collapses that dominate a "
                "news cycle.",
            },
        ],
    },
    {
        "slug": "kitchen-table-first",
        "title": "Kitchen Table First",
        "dek": "Voters judge an economy by the prices they pay and the paychecks they bring "
        "home, not by the statistics officials cite.",
        "authors": ["samuel-adeyemi"],
        "tags": ["economy", "messaging", "working-class-voters"],
        "days_ago": 6,
        "body": """There is a gap, sometimes a chasm, between how an economy looks in the official numbers and how it feels at the grocery checkout. Growth can be strong and unemployment low while a family still notices that the same cart costs forty dollars more than it did three years ago.

Candidates who answer that frustration with charts lose the argument before it starts. Telling people that they are better off than they feel is a way of telling them they are wrong about their own lives.

[quote 1]

The stronger message starts where voters are: name the costs that squeeze them, such as rent, child care, insulin and car insurance, and name who is responsible for each and what will be done about it. Specific promises about specific bills are believable in a way that aggregate statistics never are.

Good economic news still matters. It simply belongs at the end of the sentence, as proof that the plan works, not at the beginning, as a reason to stop complaining.""",
        "quotations": [
            {
                "speaker": "Celia Drummond",
                "outlet": "the-washington-post",
                "path": "demo/voters-prices",
                "text": "In interviews across three swing counties, voters rarely mentioned "
                "inflation rates or job reports. They talked about what a week of groceries "
                "cost and whether their raise had kept up.",
            },
        ],
    },
    {
        "slug": "the-suburban-coalition-is-not-a-monolith",
        "title": "The Suburban Coalition Is Not a Monolith",
        "dek": "Inner-ring suburbs, exurbs and new-growth towns vote for different reasons. "
        "Treating them as one bloc wastes money and message.",
        "authors": ["margaret-okafor", "daniel-reyes"],
        "tags": ["suburbs", "strategy"],
        "days_ago": 9,
        "body": """The word "suburban" now covers an apartment complex next to a light-rail stop and a cul-de-sac forty miles past the last one. Voters in those places share a zip-code category and very little else.

Inner-ring suburbs look more and more like the cities they border: diverse, renting, and worried about housing costs. Newer exurbs are younger than people assume, full of families who moved out for space and now spend hours a week in traffic.

[quote 1]

A campaign that speaks to "suburban women" as a single audience will end up with an ad that fits none of them. Better to segment by what people's days are like: the commute, the school, the mortgage or the lease.

The encouraging finding is that each of these groups has a concrete concern that a practical agenda can meet. The discouraging one is that no single message reaches them all.""",
        "quotations": [
            {
                "speaker": "Thomas Ferrante",
                "outlet": "the-atlantic",
                "path": "demo/suburbs-divided",
                "text": "The older suburbs have become a kind of second city, while the new "
                "developments at the edge of the metro are where the political argument is "
                "still genuinely open.",
            },
        ],
    },
    {
        "slug": "turnout-is-a-year-round-job",
        "title": "Turnout Is a Year-Round Job",
        "dek": "The voters who decide close races are not persuaded in October. They are "
        "registered, contacted and trusted long before that.",
        "authors": ["margaret-okafor"],
        "tags": ["turnout", "strategy"],
        "days_ago": 13,
        "body": """Every field director knows the pattern. The canvass launches after Labor Day, volunteers knock on doors that have not heard from the party in two years, and the people who answer ask, reasonably, where everyone has been.

Contact that arrives only at election time feels like a sales call. Contact that arrives all year, from neighbors who help with a benefits form or show up at a town meeting, feels like a relationship.

[quote 1]

The most effective turnout programs of recent cycles share a few traits: paid organizers who live in the community, a calendar of non-electoral events, and a database that remembers every conversation. None of this is glamorous, and all of it is cheaper than a final-week television buy.

Registration deserves the same patience. Young people and new residents move often; a registration drive that ends in spring misses everyone who moved in summer.""",
        "quotations": [
            {
                "speaker": "Marcus Bell",
                "outlet": "politico",
                "path": "news/demo/field-programs",
                "text": "Organizers who started in January reported contact rates nearly twice "
                "as high as those who began after the primaries, in the same neighborhoods and "
                "with the same scripts.",
            },
        ],
    },
    {
        "slug": "rural-voters-notice-who-shows-up",
        "title": "Rural Voters Notice Who Shows Up",
        "dek": "Losing a rural county by thirty points instead of forty can decide a statewide "
        "race. Presence is most of the strategy.",
        "authors": ["ruth-lindqvist"],
        "tags": ["rural-voters", "turnout"],
        "days_ago": 17,
        "body": """Statewide races are often decided not in the cities, where the margin is already banked, but in the arithmetic of small counties: a few thousand votes here and there, added up across dozens of places.

Candidates who campaign in those counties rarely win them. They do not need to. Cutting a deficit by a few points in forty counties can be worth more than another rally in the capital.

[quote 1]

What moves those margins is mostly presence. A candidate who holds a town hall at the volunteer fire station, listens to complaints about a hospital closing and comes back six months later has said more than any mailer.

[quote 2]

The policies matter too, of course: broadband, rural hospitals, farm prices and roads. But voters give a hearing to the people who showed up, and only to them.""",
        "quotations": [
            {
                "speaker": "Jolene Vickers",
                "outlet": "the-washington-post",
                "path": "demo/rural-counties",
                "text": "In county after county, local officials said the last statewide "
                "candidate to visit in person had come more than a decade ago.",
            },
            {
                "speaker": "Owen Castellanos",
                "outlet": "axios",
                "path": "demo/rural-margins",
                "text": "Campaigns that held events in small counties ran measurably ahead of "
                "the party's usual margin there, even where they still lost decisively.",
            },
        ],
    },
    {
        "slug": "say-it-in-plain-words",
        "title": "Say It in Plain Words",
        "dek": "Policy jargon signals that a message is meant for insiders. Voters hear it and "
        "stop listening.",
        "authors": ["samuel-adeyemi"],
        "tags": ["messaging"],
        "days_ago": 22,
        "body": """Listen to a stump speech and count the phrases no one uses at home: "investments," "stakeholders," "access to care," "working families." Each one was chosen to offend nobody, and together they tell the audience that the speaker is reading from a memo.

Plain words are not dumbed-down words. "We will cap what you pay for insulin at thirty-five dollars" is both simpler and more precise than "we will expand affordability for prescription medications."

The test is easy: would a voter repeat the sentence to a friend? If it cannot survive being retold over dinner, it will not survive a campaign.

[quote 1]

None of this requires abandoning ambition. Large plans can be described in small, concrete terms, one bill and one benefit at a time.""",
        "quotations": [
            {
                "speaker": "Hannah Greer",
                "outlet": "the-atlantic",
                "path": "demo/political-language",
                "text": "Focus groups consistently reward the candidate who describes a policy "
                "by what it does for a named person, and punish the one who describes it by "
                "the committee that wrote it.",
            },
        ],
    },
    {
        "slug": "the-midterm-penalty-is-not-destiny",
        "title": "The Midterm Penalty Is Not Destiny",
        "dek": "The party holding the White House usually loses seats in a midterm. Usually is "
        "not always, and the exceptions have lessons.",
        "authors": ["daniel-reyes", "ruth-lindqvist"],
        "tags": ["midterms", "turnout", "strategy"],
        "days_ago": 27,
        "body": """Political scientists call it the midterm penalty: the president's party loses ground in nearly every off-year election, often a lot of it. The usual explanation is that the other side's voters are angrier and therefore more likely to turn out.

But the penalty varies enormously, from a handful of seats to historic routs, and the variation is not random. It tracks how motivated each side's voters feel, and motivation can be built.

[quote 1]

The years when the penalty was small share features worth copying: an issue that energized the president's own coalition, candidates who ran on local records rather than national talking points, and opponents who nominated people their own voters found hard to support.

Strategists cannot choose their opponents. They can choose to give their own voters a reason to show up that is about more than defending the status quo.""",
        "quotations": [
            {
                "speaker": "Grace Holloway",
                "outlet": "the-new-york-times",
                "path": "demo/midterm-history",
                "text": "The cycles in which a governing party held its losses down were the "
                "ones in which its own voters believed something concrete was at stake in the "
                "result.",
            },
        ],
    },
    {
        "slug": "state-legislatures-are-where-policy-lives",
        "title": "State Legislatures Are Where Policy Lives",
        "dek": "Voting rules, district lines, health coverage and schools are decided in state "
        "capitols. A national party that ignores them has already lost half its agenda.",
        "authors": ["ruth-lindqvist"],
        "tags": ["state-legislatures", "strategy"],
        "days_ago": 33,
        "body": """Much of what shapes daily life is decided not in Washington but in fifty capitols that get a fraction of the attention. Minimum wages, Medicaid rules, school budgets, and the lines that decide who represents whom are all set there.

Races for those chambers are cheap by national standards. A competitive state house seat can be contested for the price of a single week of cable advertising in a Senate race.

[quote 1]

Winning legislatures also builds the next generation of candidates. Today's state senator is tomorrow's governor, member of Congress or cabinet secretary, and a party without a bench must recruit from thin air.

The case for investment is not sentimental. It is about where the power to set policy actually sits, and who will hold it for the next decade of maps.""",
        "quotations": [
            {
                "speaker": "Victor Amsel",
                "outlet": "politico",
                "path": "news/demo/legislative-races",
                "text": "Strategists on both sides concede that control of a handful of "
                "legislative chambers will shape more of the next decade's policy than most "
                "of the races that draw national donors.",
            },
        ],
    },
    {
        "slug": "young-voters-want-to-be-asked",
        "title": "Young Voters Want to Be Asked",
        "dek": "Young people are not apathetic; they are under-contacted. Campaigns that reach "
        "them where they live find willing voters.",
        "authors": ["margaret-okafor"],
        "tags": ["turnout", "messaging"],
        "days_ago": 40,
        "body": """The story about young voters is almost always about apathy. The evidence points somewhere else: young people are the least likely to be contacted by any campaign, and the most likely to vote when they are.

They move often, so they fall off lists. They rarely answer unknown numbers, so they are missed by phone banks. They are often not registered at their current address, so their ballots get challenged.

[quote 1]

None of this is a mystery to solve with a viral video. It is a logistics problem: registration at community colleges and job sites, contact through the channels young people actually use, and help with the mechanics of voting by mail.

Treat young voters as voters and they behave like voters.""",
        "quotations": [
            {
                "speaker": "Leah Morrow",
                "outlet": "politico",
                "path": "news/demo/young-voters",
                "text": "Among voters under thirty who said no campaign had contacted them, "
                "turnout lagged far behind that of their peers who had been asked, even once.",
            },
        ],
    },
    {
        "slug": "the-working-class-realignment-can-be-reversed",
        "title": "The Working-Class Realignment Can Be Reversed",
        "dek": "Working-class voters of every background have drifted away. The drift is about "
        "respect and economics, and neither is out of reach.",
        "authors": ["daniel-reyes", "samuel-adeyemi"],
        "tags": ["working-class-voters", "economy", "strategy"],
        "days_ago": 48,
        "body": """For two decades, voters without college degrees have been moving away from the party that once called itself their home. The shift began among white working-class voters and has spread, more slowly, to Latino and Black working-class voters as well.

The causes are debated endlessly, but two keep coming back in the survey data: a sense that the party's leaders look down on people who work with their hands, and a sense that its economic promises are made in the abstract.

[quote 1]

Both can be addressed. Respect is conveyed by who runs, how they talk, and which jobs they celebrate. Economic credibility comes from specific, visible results, such as a plant reopened, a wage raised or a union contract won, that people can point to in their own towns.

[quote 2]

The realignment took twenty years. Reversing it will take more than one cycle, but it starts with candidates who sound like the people they are asking to vote for them.""",
        "quotations": [
            {
                "speaker": "Elena Ruiz-Carter",
                "outlet": "the-new-york-times",
                "path": "demo/working-class-shift",
                "text": "Voters without degrees who left the party often cited a feeling of "
                "being lectured rather than any single policy disagreement.",
            },
            {
                "speaker": "Frank Delacroix",
                "outlet": "the-washington-post",
                "path": "demo/union-towns",
                "text": "In towns where a local plant had reopened with public support, the "
                "shift away from the party slowed or reversed, according to precinct results.",
            },
            {
                "speaker": "Nadia Bishara",
                "outlet": "the-atlantic",
                "path": "demo/class-and-party",
                "text": "The parties have, in effect, traded voters by education, and neither "
                "has fully reckoned with what it gained or lost in the exchange.",
            },
        ],
    },
    {
        "slug": "dont-fight-the-last-campaign",
        "title": "Don't Fight the Last Campaign",
        "dek": "Every losing campaign writes a memo about what went wrong. The next one should "
        "read it skeptically.",
        "authors": ["samuel-adeyemi", "margaret-okafor"],
        "tags": ["strategy", "midterms"],
        "days_ago": 57,
        "body": """After every defeat comes the autopsy: a long memo explaining which voters were lost, which message failed and which tactic should be abandoned. The memos are useful, and they are also dangerous, because they are written about an election that will never happen again.

Conditions change between cycles. The economy shifts, the opponent changes, and the issues voters care about rotate. A strategy tuned perfectly to the last race can be tuned exactly wrong for the next.

[quote 1]

The durable lessons are about capacity rather than message: the organizing that was not done, the data that was missing, the candidates who were not recruited. Those carry over from cycle to cycle. Slogans rarely do.

Read the autopsy for what it says about the party's machinery, and be suspicious of anything it says about what voters will want in two years.""",
        "quotations": [
            {
                "speaker": "Rebecca Stanhope",
                "outlet": "axios",
                "path": "demo/campaign-autopsies",
                "text": "Several veterans of past campaigns said the post-election reviews they "
                "wrote were most valuable for their lists of missing infrastructure, and least "
                "valuable for their advice on message.",
            },
        ],
    },
]

# The standing pages, at stable addresses the demo menu links to (menus) and the
# comment form points at (/comment-policy/). Bodies are text with paragraphs.
PAGES = [
    {
        "slug": "about",
        "title": "About The Democratic Strategist",
        "dek": "A journal of public opinion and political strategy for Democrats who want to win, and keep winning.",
        "menu_order": 1,
        "body": """The Democratic Strategist is a journal for the people who run campaigns, advise candidates, organize voters and argue about where the party should go next. We publish analysis of polling and election results, memos on message and turnout, and arguments about the coalition a lasting Democratic majority needs.

We are not a newsroom. Most of what we publish starts from reporting elsewhere, which we quote and link, and asks what it means for strategy: who is persuadable, where, and with what. When we quote a source, the quotation says who said it and where it appeared.

Our contributors include field organizers, pollsters, former campaign managers and academics. They do not always agree with one another, and we do not ask them to. A strategy that cannot survive an argument among friends will not survive an election.

We welcome proposals for articles. Tell the editors what you want to argue and what evidence you have, in a paragraph or two.""",
    },
    {
        "slug": "masthead",
        "title": "Masthead",
        "dek": "The editors and regular contributors of The Democratic Strategist.",
        "menu_order": 2,
        "body": """<h2>Editors</h2>

<strong>Margaret Okafor</strong>, editor. Field programs in four presidential cycles; turnout and organizing.

<strong>Daniel Reyes</strong>, polling editor. Survey research on working-class voters of every background.

<h2>Contributing writers</h2>

<strong>Ruth Lindqvist</strong>: state legislatures, redistricting and the long game of building majorities.

<strong>Samuel Adeyemi</strong>: messaging, media and the economics voters feel at the kitchen table.

<h2>Corrections</h2>

We correct errors of fact promptly and say so at the end of the article, with the date of the correction.""",
    },
    {
        "slug": "comment-policy",
        "title": "Comment policy",
        "dek": "How we moderate readers' replies, and what gets a comment removed.",
        "menu_order": 3,
        "body": """We want the comments to be worth reading: arguments about strategy from people who disagree, corrections, and evidence we missed. Here is how they work.

<strong>Moderation.</strong> A first comment waits for a moderator to approve it; after that, your comments appear at once. Moderators read every day, but not every hour.

<strong>What we remove.</strong> Personal attacks on other readers or on the writers, slurs, threats, spam and advertising, and comments that have nothing to do with the article. Disagreement, even sharp disagreement, is welcome.

<strong>Your details.</strong> We ask for a name and an email address. The name is shown with your comment; the email address never is, and we use it only to tell you about replies if you ask us to. Addresses of commenters' computers are deleted after 30 days.

<strong>Links.</strong> A comment with many links may be held for a moderator, as spam often is.

If you think a comment was removed by mistake, write to the editors and say which one.""",
    },
]
