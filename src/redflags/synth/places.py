"""Cities, their real area codes, and the fictional phone ranges the corpus may use.

Every phone number in the synthetic corpus comes from a range reserved for fiction:

* NANP ``NXX-555-0100`` .. ``NXX-555-0199`` with a real area code (``phonenumbers`` 9.x parses
  these as valid US numbers, so they exercise the real extractor end to end);
* UK Ofcom drama range ``020 7946 0000`` .. ``020 7946 0999`` (London).

>>> [c.name for c in CITIES[:3]]
['Miami', 'New York', 'Las Vegas']
>>> e164_us(305, 123)
'+13055550123'
>>> e164_gb(42)
'+442079460042'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CITIES",
    "City",
    "GB_LINES",
    "GEO_AREA_CODES",
    "LONDON",
    "US_CITIES",
    "US_LINES",
    "e164_gb",
    "e164_us",
]


@dataclass(frozen=True, slots=True)
class City:
    """A place ads are posted in; ``weight`` is its share of posting activity."""

    name: str
    region: str
    country: str
    area_codes: tuple[int, ...]
    weight: float
    #: relative weight of the city for Spanish- and Russian-language posters (0 = none)
    es: float = 0.0
    ru: float = 0.0


#: US cities with the real area codes that serve them (all verified valid with ``555-01XX``).
US_CITIES: tuple[City, ...] = (
    City("Miami", "FL", "US", (305, 786), 6, es=10, ru=3),
    City("New York", "NY", "US", (212, 646, 718, 917, 347, 929, 332), 10, es=6, ru=8),
    City("Las Vegas", "NV", "US", (702, 725), 5, es=3, ru=1),
    City("Los Angeles", "CA", "US", (213, 310, 323, 424, 818, 747), 8, es=8, ru=3),
    City("Chicago", "IL", "US", (312, 773, 872), 6, es=3, ru=3),
    City("Atlanta", "GA", "US", (404, 470, 678, 770), 5, es=1),
    City("Houston", "TX", "US", (713, 281, 832, 346), 6, es=7, ru=1),
    City("Seattle", "WA", "US", (206,), 3, es=1, ru=2),
    City("Boston", "MA", "US", (617, 857), 3, es=1, ru=1),
    City("Washington", "DC", "US", (202,), 3, es=1, ru=1),
    City("Dallas", "TX", "US", (214, 469, 972), 4, es=4),
    City("Phoenix", "AZ", "US", (602, 480, 623), 3, es=3),
    City("San Diego", "CA", "US", (619, 858), 3, es=3),
    City("Denver", "CO", "US", (303, 720), 3, es=1, ru=1),
    City("Orlando", "FL", "US", (407, 689), 3, es=3),
    City("Tampa", "FL", "US", (813,), 2, es=1),
    City("San Antonio", "TX", "US", (210, 726), 2, es=4),
    City("Newark", "NJ", "US", (973, 862), 2, es=2),
    City("Philadelphia", "PA", "US", (215, 267), 3, es=1, ru=2),
    City("Detroit", "MI", "US", (313,), 2),
    City("Minneapolis", "MN", "US", (612,), 2),
    City("Portland", "OR", "US", (503, 971), 2, ru=1),
    City("Honolulu", "HI", "US", (808,), 2),
    City("Nashville", "TN", "US", (615, 629), 2),
    City("New Orleans", "LA", "US", (504,), 2, es=1),
    City("Sacramento", "CA", "US", (916, 279), 2, es=1, ru=2),
    City("Baltimore", "MD", "US", (410, 443), 2),
    City("Charlotte", "NC", "US", (704, 980), 2, es=1),
    City("San Francisco", "CA", "US", (415, 628), 3, es=1, ru=1),
    City("Oakland", "CA", "US", (510, 341), 2, es=1),
    City("Salt Lake City", "UT", "US", (801, 385), 2),
    City("Jacksonville", "FL", "US", (904,), 2),
    City("Austin", "TX", "US", (512, 737), 2, es=2),
    City("El Paso", "TX", "US", (915,), 1, es=2),
    City("Kansas City", "MO", "US", (816,), 2),
)

#: London: the only GB city, phones from the Ofcom drama range.
LONDON = City("London", "England", "GB", (20,), 8, ru=3)

CITIES: tuple[City, ...] = US_CITIES + (LONDON,)

#: Geographic US area codes (no toll-free, no 5XX/9XX service codes) for numbers kept after a
#: move -- the "out of area" phones real ads carry; verified valid with ``555-01XX``.
GEO_AREA_CODES: tuple[int, ...] = (
    201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 220,
    223, 224, 225, 228, 229, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256, 260, 262, 267,
    269, 270, 272, 276, 279, 281, 301, 302, 303, 304, 305, 307, 308, 309, 310, 312, 313, 314,
    315, 316, 317, 318, 319, 320, 321, 323, 325, 330, 331, 332, 334, 336, 337, 339, 341, 346,
    347, 351, 352, 360, 361, 380, 385, 386, 401, 402, 404, 405, 406, 407, 408, 409, 410, 412,
    413, 414, 415, 417, 419, 423, 424, 425, 430, 432, 434, 435, 440, 442, 443, 458, 463, 469,
    470, 475, 478, 479, 480, 484, 501, 502, 503, 504, 505, 507, 508, 509, 510, 512, 513, 515,
    516, 517, 518, 520, 530, 531, 534, 539, 540, 541, 551, 559, 561, 562, 563, 564, 567, 570,
    571, 573, 574, 575, 580, 585, 586, 601, 602, 603, 605, 606, 607, 608, 609, 610, 612, 614,
    615, 616, 617, 618, 619, 620, 623, 626, 628, 629, 630, 631, 636, 641, 646, 650, 651, 657,
    660, 661, 662, 667, 669, 678, 681, 682, 689, 701, 702, 703, 704, 706, 707, 708, 712, 713,
    714, 715, 716, 717, 718, 719, 720, 724, 725, 726, 727, 731, 732, 734, 737, 740, 743, 747,
    754, 757, 760, 762, 763, 765, 769, 770, 772, 773, 774, 775, 779, 781, 785, 786, 801, 802,
    803, 804, 805, 806, 808, 810, 812, 813, 814, 815, 816, 817, 818, 820, 828, 830, 831, 832,
    838, 843, 845, 847, 848, 850, 854, 856, 857, 858, 859, 860, 862, 863, 864, 865, 870, 872,
    878, 901, 903, 904, 906, 907, 908, 909, 910, 912, 913, 914, 915, 916, 917, 918, 919, 920,
    925, 928, 929, 930, 931, 934, 936, 937, 938, 940, 941, 947, 949, 951, 952, 954, 956, 959,
    970, 971, 972, 973, 978, 979, 980, 984, 985, 989,
)

#: Line numbers (last four digits) of the fictional NANP range: 555-0100 .. 555-0199.
US_LINES: tuple[int, ...] = tuple(range(100, 200))
#: Line numbers of the fictional London range: 020 7946 0000 .. 020 7946 0999.
GB_LINES: tuple[int, ...] = tuple(range(0, 1000))


def e164_us(area_code: int, line: int) -> str:
    """E.164 of the fictional US number ``area_code``-555-``line`` (line 100..199)."""
    return f"+1{area_code}555{line:04d}"


def e164_gb(line: int) -> str:
    """E.164 of the fictional London number 020 7946 ``line`` (line 0..999)."""
    return f"+44207946{line:04d}"
