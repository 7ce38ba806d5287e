"""Places people live in: countries with their states and cities, phone plans and webmail.

Country, state and city always agree; a country also says which name cultures live there.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np

from data.generator.names import CULTURE_INDEX, CULTURES
from data.generator.sampling import cumulative


@dataclass(frozen=True)
class Country:
    name: str
    weight: float
    calling_code: str
    national: tuple[int, int]  # range of national (mobile) numbers, digits without the code
    cultures: tuple[tuple[str, float], ...]
    webmail: tuple[str, ...]  # local webmail domains next to the global ones
    states: tuple[tuple[str, float, tuple[str, ...]], ...]  # (state, weight, cities)


GLOBAL_WEBMAIL: Final = (
    ("gmail.com", 0.52), ("yahoo.com", 0.12), ("outlook.com", 0.1), ("hotmail.com", 0.1),
    ("icloud.com", 0.08), ("proton.me", 0.03),
)  # fmt: skip
LOCAL_WEBMAIL_SHARE: Final = 0.2


def _cities(text: str) -> tuple[str, ...]:
    return tuple(city.strip() for city in text.split(","))


COUNTRIES: Final = (
    Country("united states", 55, "1", (2012000000, 9899999999),
            (("anglo", 0.68), ("hispanic", 0.15), ("east_asian", 0.06), ("indian", 0.06),
             ("west_african", 0.05)),
            ("aol.com", "comcast.net"),
            (("california", 12, _cities("los angeles, san francisco, san diego, san jose")),
             ("texas", 9, _cities("houston, austin, dallas, san antonio")),
             ("new york", 7, _cities("new york, buffalo, rochester, albany")),
             ("florida", 7, _cities("miami, orlando, tampa, jacksonville")),
             ("illinois", 4, _cities("chicago, naperville, springfield")),
             ("washington", 3, _cities("seattle, bellevue, spokane")),
             ("massachusetts", 3, _cities("boston, cambridge, worcester")),
             ("georgia", 3, _cities("atlanta, savannah")),
             ("colorado", 2, _cities("denver, boulder")),
             ("north carolina", 3, _cities("charlotte, raleigh, durham")),
             ("pennsylvania", 4, _cities("philadelphia, pittsburgh")),
             ("ohio", 3, _cities("columbus, cleveland, cincinnati")),
             ("arizona", 2, _cities("phoenix, tucson")),
             ("michigan", 3, _cities("detroit, ann arbor, grand rapids")),
             ("virginia", 2, _cities("arlington, richmond")),
             ("new jersey", 3, _cities("newark, jersey city, princeton")),
             ("minnesota", 2, _cities("minneapolis, saint paul")),
             ("oregon", 1, _cities("portland")),
             ("utah", 1, _cities("salt lake city")),
             ("tennessee", 2, _cities("nashville, memphis")))),
    Country("united kingdom", 8, "44", (7400000000, 7999999999),
            (("anglo", 0.8), ("indian", 0.1), ("west_african", 0.05), ("french", 0.05)),
            ("btinternet.com", "yahoo.co.uk"),
            (("england", 8, _cities("london, manchester, birmingham, leeds, bristol")),
             ("scotland", 1, _cities("edinburgh, glasgow")),
             ("wales", 0.5, _cities("cardiff")),
             ("northern ireland", 0.3, _cities("belfast")))),
    Country("canada", 6, "1", (2042000000, 9029999999),
            (("anglo", 0.7), ("french", 0.15), ("east_asian", 0.08), ("indian", 0.07)),
            ("shaw.ca", "videotron.ca"),
            (("ontario", 5, _cities("toronto, ottawa")),
             ("québec", 3, _cities("montréal, québec city")),
             ("british columbia", 2, _cities("vancouver, victoria")),
             ("alberta", 2, _cities("calgary, edmonton")))),
    Country("germany", 5, "49", (1510000000, 1799999999),
            (("germanic", 0.9), ("anglo", 0.05), ("french", 0.05)),
            ("gmx.de", "web.de"),
            (("bavaria", 3, _cities("munich, nuremberg")),
             ("berlin", 2, _cities("berlin")),
             ("hesse", 1.5, _cities("frankfurt")),
             ("hamburg", 1.5, _cities("hamburg")),
             ("north rhine-westphalia", 3, _cities("cologne, düsseldorf")))),
    Country("france", 4, "33", (600000000, 799999999),
            (("french", 0.9), ("west_african", 0.05), ("hispanic", 0.05)),
            ("orange.fr", "free.fr"),
            (("île-de-france", 4, _cities("paris")),
             ("auvergne-rhône-alpes", 2, _cities("lyon, grenoble")),
             ("provence-alpes-côte d'azur", 1.5, _cities("marseille, nice")),
             ("occitanie", 1, _cities("toulouse")))),
    Country("india", 6, "91", (6000000000, 9999999999),
            (("indian", 1.0),),
            ("rediffmail.com",),
            (("maharashtra", 3, _cities("mumbai, pune")),
             ("karnataka", 3, _cities("bengaluru")),
             ("delhi", 2, _cities("new delhi")),
             ("tamil nadu", 2, _cities("chennai")),
             ("telangana", 2, _cities("hyderabad")))),
    Country("australia", 3, "61", (400000000, 499999999),
            (("anglo", 0.85), ("east_asian", 0.1), ("indian", 0.05)),
            ("bigpond.com",),
            (("new south wales", 3, _cities("sydney")),
             ("victoria", 3, _cities("melbourne")),
             ("queensland", 2, _cities("brisbane")))),
    Country("brazil", 3, "55", (11900000000, 99999999999),
            (("lusophone", 1.0),),
            ("uol.com.br", "bol.com.br"),
            (("são paulo", 4, _cities("são paulo, campinas")),
             ("rio de janeiro", 2, _cities("rio de janeiro")),
             ("minas gerais", 1, _cities("belo horizonte")))),
    Country("spain", 2, "34", (600000000, 699999999),
            (("hispanic", 1.0),),
            ("telefonica.net",),
            (("madrid", 2, _cities("madrid")),
             ("catalonia", 2, _cities("barcelona")),
             ("andalusia", 1, _cities("seville, málaga")))),
    Country("mexico", 2, "52", (5510000000, 9999999999),
            (("hispanic", 1.0),),
            ("prodigy.net.mx",),
            (("mexico city", 3, _cities("mexico city")),
             ("jalisco", 1, _cities("guadalajara")),
             ("nuevo león", 1, _cities("monterrey")))),
    Country("netherlands", 2, "31", (600000000, 699999999),
            (("germanic", 0.9), ("anglo", 0.1)),
            ("ziggo.nl",),
            (("north holland", 2, _cities("amsterdam")),
             ("south holland", 2, _cities("rotterdam, the hague")),
             ("utrecht", 1, _cities("utrecht")))),
    Country("sweden", 1, "46", (700000000, 799999999),
            (("germanic", 1.0),),
            ("telia.com",),
            (("stockholm", 2, _cities("stockholm")),
             ("västra götaland", 1, _cities("gothenburg")))),
    Country("japan", 1, "81", (7000000000, 9099999999),
            (("east_asian", 1.0),),
            ("docomo.ne.jp",),
            (("tokyo", 3, _cities("tokyo")),
             ("osaka", 1, _cities("osaka")))),
    Country("singapore", 1, "65", (80000000, 99999999),
            (("east_asian", 0.75), ("indian", 0.2), ("anglo", 0.05)),
            ("singnet.com.sg",),
            (("singapore", 1, _cities("singapore")),)),
    Country("nigeria", 1, "234", (7010000000, 9099999999),
            (("west_african", 1.0),),
            ("yahoo.com.ng",),
            (("lagos", 2, _cities("lagos")),
             ("federal capital territory", 1, _cities("abuja")))),
    Country("ireland", 1, "353", (830000000, 899999999),
            (("anglo", 0.95), ("germanic", 0.05)),
            ("eircom.net",),
            (("leinster", 2, _cities("dublin")),
             ("munster", 1, _cities("cork")))),
)  # fmt: skip


@dataclass(frozen=True)
class Geography:
    """Countries, states and cities flattened into parallel arrays for vectorized lookups."""

    countries: tuple[str, ...]
    states: tuple[str, ...]
    cities: tuple[str, ...]
    city_state: np.ndarray  # index into states, per city
    city_country: np.ndarray  # index into countries, per city
    city_weight: np.ndarray  # share of people living there
    calling_code: tuple[str, ...]  # "+1", per country
    national: np.ndarray  # [countries, 2] lowest and highest national number
    webmail: tuple[str, ...]  # every webmail domain, global ones first
    webmail_cdf: np.ndarray  # [countries, len(webmail)] cumulative choice per country
    culture_cdf: np.ndarray  # [countries, len(CULTURES)] cumulative choice per country


def geography() -> Geography:
    cities: list[tuple[int, int, str, float]] = []  # (country, state, city, weight)
    states: list[str] = []
    for c, country in enumerate(COUNTRIES):
        state_total = sum(weight for _, weight, _ in country.states)
        for state, weight, names in country.states:
            share = country.weight * weight / state_total / len(names)
            cities.extend((c, len(states), city, share) for city in names)
            states.append(state)
    return Geography(
        countries=tuple(country.name for country in COUNTRIES),
        states=tuple(states),
        cities=tuple(city for _, _, city, _ in cities),
        city_state=np.array([s for _, s, _, _ in cities], dtype=np.int64),
        city_country=np.array([c for c, _, _, _ in cities], dtype=np.int64),
        city_weight=np.array([weight for _, _, _, weight in cities]),
        calling_code=tuple(f"+{country.calling_code}" for country in COUNTRIES),
        national=np.array([country.national for country in COUNTRIES], dtype=np.int64),
        webmail=WEBMAIL,
        webmail_cdf=cumulative(np.array([_webmail_weights(country) for country in COUNTRIES])),
        culture_cdf=cumulative(np.array([_culture_weights(country) for country in COUNTRIES])),
    )


WEBMAIL: Final = tuple(domain for domain, _ in GLOBAL_WEBMAIL) + tuple(
    domain for country in COUNTRIES for domain in country.webmail
)


def _webmail_weights(country: Country) -> list[float]:
    local = LOCAL_WEBMAIL_SHARE / len(country.webmail)
    weights = [share * (1 - LOCAL_WEBMAIL_SHARE) for _, share in GLOBAL_WEBMAIL]
    return weights + [
        local if domain in country.webmail else 0.0 for domain in WEBMAIL[len(GLOBAL_WEBMAIL) :]
    ]


def _culture_weights(country: Country) -> list[float]:
    weights = [0.0] * len(CULTURES)
    for culture, share in country.cultures:
        weights[CULTURE_INDEX[culture]] = share
    return weights
