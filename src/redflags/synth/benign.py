"""Ordinary classifieds whose wording overlaps the indicator lexicons ("trap words").

A florist sells roses, a church asks for donations, a 19-year-old offers babysitting, a café
hires "young energetic" staff, a candy shop uses 🍭🍒.  None of these ads is commercial sex and
none should be flagged; each phrase lists the indicator ids its wording could wrongly trigger
(``traps``) so evaluations can report which rule produced a false positive.

Slots are those of :mod:`redflags.synth.phrases` plus ``{u}`` ``{u2}`` ``{u3}`` (price per
item), ``{hrb}`` (hourly pay or fee), ``{age}``, ``{biz}``, ``{car}``, ``{year}``, ``{miles}``,
``{pet}``, ``{petname}``, ``{petage}`` and ``{street}``.  ``{petage}`` and ``{year}`` are
deliberately *not* ages of persons.

>>> sorted({k.name for k in BENIGN["en"]})[:3]
['apartment', 'babysitter', 'cafe_hiring']
"""

from __future__ import annotations

from dataclasses import dataclass

from redflags.synth.phrases import Phrase

__all__ = [
    "BENIGN",
    "BENIGN_EXTRA",
    "BUSINESSES",
    "BenignKind",
    "CARS",
    "PETS",
    "PET_NAMES",
    "STREETS",
]

_0: tuple[str, ...] = ()
_Y = ("youth.young_terms",)
_N = ("youth.new_to_this",)
_E = ("youth.emoji",)
_TR = ("third_party.trustworthy",)
_ET = ("third_party.ethnicity",)
_MV = ("movement.new_in_town",)
_LC = ("restriction.limited_communication",)
_AA = ("restriction.always_available",)
_CW = ("payment.code_words",)
_PP = ("payment.prepaid_card",)
_LP = ("price.low_price",)
_MA = ("youth.minor_age",)


@dataclass(frozen=True, slots=True)
class BenignKind:
    """One kind of ordinary ad: a title and one phrase from each group (``optional`` ones
    at random), posted in one of ``categories``."""

    name: str
    categories: tuple[str, ...]
    titles: tuple[Phrase, ...]
    groups: tuple[tuple[Phrase, ...], ...]
    optional: tuple[tuple[Phrase, ...], ...] = ()
    #: range of ``{u}`` (``{u2}``/``{u3}`` are 2x/4x) and its rounding step
    price: tuple[int, int, int] = (5, 50, 5)
    #: range of ``{hrb}`` (hourly pay or fee)
    hour: tuple[int, int] = (15, 40)
    #: range of a stated ``{age}`` of the poster
    age: tuple[int, int] = (19, 30)


CARS: tuple[str, ...] = (
    "Toyota Corolla", "Honda Civic", "Ford Focus", "Nissan Altima", "Mazda 3", "Kia Rio",
    "Hyundai Elantra", "Chevy Malibu", "VW Golf", "Subaru Outback",
)
PETS: dict[str, tuple[str, ...]] = {
    "en": ("cat", "tabby cat", "beagle", "terrier", "husky", "parrot"),
    "es": ("gato", "perrito", "gata", "perro"),
    "ru": ("кот", "кошка", "собака", "щенок"),
}
PET_NAMES: tuple[str, ...] = (
    "Cherry", "Max", "Bella", "Oscar", "Peanut", "Biscuit", "Luna", "Milo", "Pepper", "Ziggy",
)
STREETS: tuple[str, ...] = (
    "Maple Ave", "Oak Street", "5th Street", "Park Road", "Elm Drive", "Harbor Blvd",
    "Lincoln Ave", "Mill Lane", "Cedar Court", "River Road",
)
BUSINESSES: tuple[str, ...] = (
    "Corner Market", "Sunrise Pharmacy", "Main Street Books", "Green Leaf Grocery",
    "City Hardware", "Bluebird Gifts", "Harbor News", "Daisy Deli",
)

_CONTACT_EN: tuple[Phrase, ...] = (
    ("Call {contact}", _0),
    ("Call or text {contact}", _0),
    ("Contact {contact}", _0),
    ("Phone: {contact}", _0),
    ("Email {email}", _0),
    ("Questions? {email}", _0),
)
_CONTACT_ES: tuple[Phrase, ...] = (
    ("Llame al {contact}", _0),
    ("Tel: {contact}", _0),
    ("Informes: {contact}", _0),
    ("Correo: {email}", _0),
)
_CONTACT_RU: tuple[Phrase, ...] = (
    ("Звоните {contact}", _0),
    ("Тел: {contact}", _0),
    ("Пишите на {email}", _0),
)

BENIGN: dict[str, tuple[BenignKind, ...]] = {
    "en": (
        BenignKind(
            "florist",
            ("for sale", "services"),
            (
                ("Fresh roses for every occasion 🌹", _Y + _CW),
                ("Roses and bouquets in {city}", _CW),
                ("{biz} flower stand", _0),
            ),
            (
                (
                    ("Fresh roses, {u} a dozen", _Y + _CW),
                    ("Long-stem roses from {u} per bunch", _CW),
                    ("A dozen red roses {u}, mixed bouquets {u2}", _CW),
                ),
                (
                    ("Same-day delivery across {city}", _0),
                    ("Weddings, birthdays and anniversaries", _0),
                    ("Fresh flowers delivered daily", _Y),
                ),
                _CONTACT_EN,
            ),
            (
                (("Open 7 days, order by 2pm", _0), ("Gift wrapping available", _0)),
            ),
            price=(15, 60, 5),
        ),
        BenignKind(
            "charity",
            ("community",),
            (
                ("Donations welcome", _CW),
                ("Charity bake sale this Saturday", _0),
                ("Food drive for families in {city}", _0),
            ),
            (
                (
                    ("All donations go to the {city} youth shelter", _CW),
                    ("Suggested donation {u} per plate", _CW),
                    ("Donations of canned food and gifts for kids welcome", _CW),
                ),
                (
                    ("Volunteers needed, first time volunteers welcome", _N),
                    ("Join us at the community hall on {street}", _0),
                    ("Every donation helps a family this winter", _CW),
                ),
                _CONTACT_EN,
            ),
            price=(5, 20, 5),
        ),
        BenignKind(
            "babysitter",
            ("services",),
            (
                ("Experienced babysitter available", _0),
                ("Nanny available evenings and weekends", _0),
                ("Reliable sitter in {city}", _TR),
            ),
            (
                (
                    ("Hi, I am {age} and a college student", _0),
                    ("I am {age}, CPR certified with great references", _0),
                    ("I'm {age} years old and love working with kids", _0),
                ),
                (
                    ("Responsible, trustworthy and reliable", _TR),
                    ("Professional nanny with references", _TR),
                    ("Patient, kind and punctual", _0),
                ),
                (
                    ("{hrb}/hour, evenings and weekends", _LP),
                    ("Rate {hrb} per hour", _LP),
                ),
                _CONTACT_EN,
            ),
            (
                (("Available all day and night during school holidays", _AA),),
            ),
            hour=(14, 22),
            age=(18, 22),
        ),
        BenignKind(
            "cafe_hiring",
            ("jobs",),
            (
                ("Now hiring baristas", _0),
                ("Café staff wanted in {city}", _0),
                ("Join our team at {biz}", _0),
            ),
            (
                (
                    ("We are looking for young energetic staff, 18+", _Y),
                    ("Young, friendly team, all applicants must be 18+", _Y),
                    ("Looking for fresh faces for our new location", _Y),
                ),
                (
                    ("New to this? We train you", _N),
                    ("No experience needed, first time job seekers welcome", _N),
                    ("Flexible shifts, free coffee", _0),
                ),
                (("Pay {hrb}/hr plus tips", _LP), ("Starting at {hrb} per hour", _LP)),
                (
                    ("Apply in person or email {email}", _0),
                    ("Send your resume to {email}", _0),
                    ("Call the manager at {contact}", _0),
                ),
            ),
            hour=(15, 19),
        ),
        BenignKind(
            "candy_shop",
            ("for sale",),
            (
                ("Candy shop grand opening 🍭🍒", _E),
                ("Sweet treats at {biz} 🍭", _0),
                ("Cherry lollipops and more 🍒", _E),
            ),
            (
                (
                    ("🍭🍒 Sweet treats for the whole family", _E),
                    ("Cherry lollipops {u} each 🍒", _E),
                    ("Gift boxes from {u} 🌸", _E),
                ),
                (("Visit us downtown {city}", _0), ("Open daily, {street}", _0)),
                _CONTACT_EN,
            ),
            price=(1, 12, 1),
        ),
        BenignKind(
            "handyman",
            ("services",),
            (
                ("Handyman new in town", _MV),
                ("Reliable handyman available", _TR),
                ("Home repairs in {city}", _0),
            ),
            (
                (
                    ("New in town and looking for work", _MV),
                    ("Just arrived in {city}, taking new jobs", _MV),
                    ("Painting, drywall, small plumbing jobs", _0),
                ),
                (
                    ("Professional, trustworthy, 20 years experience", _TR),
                    ("Licensed, insured and reliable", _TR),
                ),
                (
                    ("Available 24/7 for emergencies", _AA),
                    ("Evenings and weekends too", _0),
                ),
                (("{hrb}/hour, free estimates", _LP), ("Only {hrb} an hour", _LP)),
                _CONTACT_EN,
            ),
            hour=(35, 60),
        ),
        BenignKind(
            "car_sale",
            ("for sale", "vehicles"),
            (("{year} {car} for sale", _0), ("{car}, {year}, runs great", _0)),
            (
                (
                    ("Clean title, {miles} miles", _0),
                    ("One owner, garage kept, {miles} miles", _0),
                ),
                (("Asking {u}", _0), ("{u} or best offer", _0), ("Price {u}, firm", _0)),
                (
                    ("Text only, no calls after 9pm", _LC),
                    ("Serious buyers only", _0),
                    ("Cash or cashier's check", _0),
                ),
                _CONTACT_EN,
            ),
            price=(2500, 15000, 100),
        ),
        BenignKind(
            "apartment",
            ("housing",),
            (
                ("Room for rent in {city}", _0),
                ("2 bedroom apartment available", _0),
                ("Sunny studio near {street}", _0),
            ),
            (
                (
                    ("Quiet building near transit", _0),
                    ("Newly renovated, pets allowed", _0),
                    ("Laundry in building, parking included", _0),
                ),
                (("Available now, rent and deposit details on request", _0),),
                (("No calls, text only please", _LC), ("Viewings on weekends", _0)),
                _CONTACT_EN,
            ),
        ),
        BenignKind(
            "tutoring",
            ("services", "lessons"),
            (
                ("Tutoring: math, English, Russian", _ET),
                ("Spanish lessons for beginners", _0),
                ("Teen SAT prep in {city}", _Y),
            ),
            (
                (
                    ("Hi, I am a {age} year old grad student", _0),
                    ("I'm {age}, a certified teacher", _0),
                ),
                (
                    ("First time students get a free lesson", _N),
                    ("Patient and professional", _TR),
                ),
                (("{hrb} per hour, online or in person", _0), ("{hrb}/hr", _0)),
                _CONTACT_EN,
            ),
            hour=(25, 60),
            age=(22, 34),
        ),
        BenignKind(
            "lost_pet",
            ("community", "pets"),
            (("Lost {pet} near {street}", _0), ("Missing {pet}, please help", _0)),
            (
                (
                    ("{petname} is a {petage} year old {pet}, very friendly", _MA),
                    ("Our {pet} {petname} ({petage} years old) went missing", _MA),
                ),
                (("Reward {u} for safe return", _0), ("Small reward {u}", _0)),
                _CONTACT_EN,
            ),
            price=(50, 300, 50),
        ),
        BenignKind(
            "gift_cards",
            ("for sale",),
            (("Gift cards available at {biz}", _PP), ("Holiday gift cards", _PP)),
            (
                (
                    ("Gift cards in {u}, {u2} and {u3}", _PP),
                    ("Prepaid cards and gift cards sold at the counter", _PP),
                ),
                (("Open 7 days on {street}", _0), ("Perfect present for any occasion", _0)),
                _CONTACT_EN,
            ),
            price=(10, 25, 5),
        ),
        BenignKind(
            "moving_sale",
            ("for sale",),
            (("Moving sale - everything must go", _0), ("Furniture for sale in {city}", _0)),
            (
                (
                    ("Petite dresser {u}, sofa {u2}", _0),
                    ("Dining table {u}, bookshelf {u2}", _0),
                ),
                (("Leaving soon so make an offer", _MV), ("Pick up only", _0)),
                _CONTACT_EN,
            ),
            price=(20, 150, 5),
        ),
    ),
    "es": (
        BenignKind(
            "florist",
            ("for sale",),
            (("Rosas frescas 🌹", _Y + _CW), ("Flores para toda ocasión", _0)),
            (
                (("Rosas frescas, {u} la docena", _Y + _CW), ("Ramos desde {u}", _0)),
                (("Entrega el mismo día en {city}", _0),),
                _CONTACT_ES,
            ),
            price=(15, 60, 5),
        ),
        BenignKind(
            "charity",
            ("community",),
            (("Donaciones para la iglesia", _CW), ("Venta de pasteles", _0)),
            (
                (
                    ("Toda donación ayuda a los jóvenes de {city}", _CW + _Y),
                    ("Donación sugerida {u}", _CW),
                ),
                (("Voluntarios bienvenidos, primera vez también", _N),),
                _CONTACT_ES,
            ),
            price=(5, 20, 5),
        ),
        BenignKind(
            "babysitter",
            ("services",),
            (("Niñera disponible", _0), ("Cuido niños en {city}", _0)),
            (
                (("Tengo {age} años y soy estudiante", _0), ("Soy niñera de {age} años", _0)),
                (("Responsable y de confianza", _TR),),
                (("{hrb} la hora", _LP),),
                _CONTACT_ES,
            ),
            hour=(14, 20),
            age=(18, 22),
        ),
        BenignKind(
            "cafe_hiring",
            ("jobs",),
            (("Se busca personal", _0), ("Empleo en cafetería", _0)),
            (
                (("Se busca personal joven y con energía, mayores de 18", _Y),),
                (("Sin experiencia, nosotros te entrenamos", _N),),
                (("Pago {hrb} la hora más propinas", _LP),),
                _CONTACT_ES,
            ),
            hour=(15, 19),
        ),
        BenignKind(
            "car_sale",
            ("for sale", "vehicles"),
            (("Se vende {car} {year}", _0),),
            (
                (("{miles} millas, título limpio", _0),),
                (("Precio {u}", _0), ("{u} o mejor oferta", _0)),
                (("Solo mensajes de texto", _LC), ("Solo compradores serios", _0)),
                _CONTACT_ES,
            ),
            price=(2500, 15000, 100),
        ),
        BenignKind(
            "tutoring",
            ("services", "lessons"),
            (("Clases de inglés", _0), ("Clases de matemáticas en {city}", _0)),
            (
                (("Tengo {age} años, soy maestra certificada", _0),),
                (("{hrb} la hora, en línea o en persona", _0),),
                _CONTACT_ES,
            ),
            hour=(20, 45),
            age=(23, 40),
        ),
        BenignKind(
            "apartment",
            ("housing",),
            (("Se renta cuarto en {city}", _0),),
            (
                (("Cerca del transporte, zona tranquila", _0),),
                (("Disponible ya, detalles por teléfono", _0),),
                _CONTACT_ES,
            ),
        ),
    ),
    "ru": (
        BenignKind(
            "florist",
            ("for sale",),
            (("Свежие розы 🌹", _Y + _CW), ("Цветы на любой праздник", _0)),
            (
                (("Свежие розы, {u} за букет", _Y + _CW), ("Букеты от {u}", _0)),
                (("Доставка по {city} в тот же день", _0),),
                _CONTACT_RU,
            ),
            price=(15, 60, 5),
        ),
        BenignKind(
            "babysitter",
            ("services",),
            (("Няня", _0), ("Посижу с детьми в {city}", _0)),
            (
                (("Мне {age} лет, студентка", _0),),
                (("Ответственная и надёжная", _TR),),
                (("{hrb} в час", _LP),),
                _CONTACT_RU,
            ),
            hour=(14, 20),
            age=(19, 20),
        ),
        BenignKind(
            "tutoring",
            ("services", "lessons"),
            (("Репетитор по английскому", _0), ("Уроки русского языка", _ET)),
            (
                (("Мне {age} лет, опытный преподаватель", _0),),
                (("Первое занятие бесплатно", _0),),
                (("{hrb} в час, онлайн или очно", _0),),
                _CONTACT_RU,
            ),
            hour=(20, 50),
            age=(25, 30),
        ),
        BenignKind(
            "car_sale",
            ("for sale", "vehicles"),
            (("Продаю {car} {year} года", _0),),
            (
                (("Пробег {miles} миль, один владелец", _0),),
                (("Цена {u}", _0),),
                _CONTACT_RU,
            ),
            price=(2500, 15000, 100),
        ),
        BenignKind(
            "apartment",
            ("housing",),
            (("Сдаётся комната в {city}", _0),),
            (
                (("Рядом метро, тихий район", _0),),
                (("Только смс, звонки не принимаю", _LC),),
                _CONTACT_RU,
            ),
        ),
        BenignKind(
            "charity",
            ("community",),
            (("Пожертвования для общины", _CW),),
            (
                (("Любое пожертвование поможет семьям {city}", _CW),),
                (("Волонтёры приветствуются", _0),),
                _CONTACT_RU,
            ),
        ),
    ),
}

#: Generic sentences any ordinary ad may add (one or two, before the contact line).
BENIGN_EXTRA: dict[str, tuple[Phrase, ...]] = {
    "en": (
        ("Thanks for looking!", _0),
        ("Located near {street}, {city}", _0),
        ("I reply to every message, usually within a day", _0),
        ("Please no spam or scams", _0),
        ("Still available as of this week", _0),
        ("Serious inquiries only", _0),
        ("Happy to answer any questions", _0),
        ("Parking available nearby", _0),
        ("Serving all of {city}", _0),
    ),
    "es": (
        ("Gracias por ver el anuncio", _0),
        ("Cerca de {street}, {city}", _0),
        ("Respondo todos los mensajes", _0),
        ("Sigue disponible esta semana", _0),
        ("Con gusto respondo sus preguntas", _0),
        ("No spam por favor", _0),
    ),
    "ru": (
        ("Спасибо за внимание", _0),
        ("Район {street}, {city}", _0),
        ("Отвечу на все вопросы", _0),
        ("Актуально на этой неделе", _0),
        ("Спам не предлагать", _0),
    ),
}
