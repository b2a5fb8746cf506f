"""Phrase banks for commercial ads (network and independent), in English, Spanish and Russian.

Everything here is invented and deliberately NON-EXPLICIT: commercial sex is only implied with
the words real ads use for it ("companionship", "incall/outcall", "rates", "donation").

A phrase is ``(text, indicator_ids)``.  ``text`` may hold slots the generator fills:

``{name}`` ``{name2}``  advertised person(s)        ``{age}``     stated age (number only)
``{city}``              where the ad is posted      ``{yw}``      a youth word (may be disguised)
``{eth}``               a stated ethnicity          ``{contact}`` phone (plain or disguised)
``{email}`` ``{handle}`` ``{p2p}`` ``{wallet}``     contacts, payment handle, crypto address
``{hr}`` ``{hh}`` ``{qv}`` ``{night}``              money per hour / half hour / session / night
``{hr_n}``              a bare hourly amount ("200 roses")

``indicator_ids`` are the ids the phrase plants by its wording.  Ids that depend on how a slot
is filled (disguises, a stated minor age, a wallet, a low price) are added by the generator.

>>> all(isinstance(t, str) for t, _ in NETWORK["en"]["young"])
True
"""

from __future__ import annotations

__all__ = [
    "ETHNICITIES",
    "FILLER_EMOJI",
    "INDEPENDENT",
    "NAMES",
    "NETWORK",
    "Phrase",
    "RISK_GROUPS",
    "YOUTH_WORDS",
]

Phrase = tuple[str, tuple[str, ...]]

_Y = ("youth.young_terms",)
_N = ("youth.new_to_this",)
_E = ("youth.emoji",)
_TP = ("third_party.third_person",)
_MP = ("third_party.multiple_persons",)
_CR = ("third_party.crown_emoji",)
_TR = ("third_party.trustworthy",)
_ET = ("third_party.ethnicity",)
_MV = ("movement.new_in_town",)
_IN = ("restriction.incall_only",)
_LC = ("restriction.limited_communication",)
_AA = ("restriction.always_available",)
_CW = ("payment.code_words",)
_PP = ("payment.prepaid_card",)
_CY = ("payment.crypto",)
_P2 = ("payment.p2p_app",)
_SS = ("price.short_session",)
_0: tuple[str, ...] = ()

#: Risk groups a network's style is drawn from (each is a phrase role in ``NETWORK``).
#: ``phone`` (an obscured phone) and ``low`` (low prices) are planted through slots.
RISK_GROUPS: tuple[str, ...] = (
    "young",
    "new",
    "emoji",
    "third",
    "multi",
    "crown",
    "trust",
    "eth",
    "prepaid",
    "crypto",
    "short",
    "incall",
    "limited",
    "always",
    "phone",
    "low",
)

#: Emoji that carry no indicator meaning (the generator sprinkles them in as variation).
FILLER_EMOJI: tuple[str, ...] = ("✨", "🔥", "💯", "🌟", "😘", "🥰", "💎", "😊", "⭐", "🎀")

#: Invented advertised first names (no real persons).
NAMES: tuple[str, ...] = (
    "Candy", "Mia", "Lena", "Bella", "Sofia", "Kira", "Nadia", "Luna", "Jade", "Roxy", "Tina",
    "Nina", "Lola", "Gigi", "Dasha", "Alina", "Vika", "Katya", "Masha", "Yana", "Carla",
    "Daniela", "Valeria", "Camila", "Paola", "Lucia", "Mariana", "Ximena", "Brisa", "Estrella",
    "Amber", "Crystal", "Destiny", "Diamond", "Skye", "Star", "Honey", "Kiki", "Coco", "Bree",
    "Tasha", "Monique", "Aaliyah", "Jasmine", "Mei", "Lin", "Suki", "Yuna", "Hana", "Ivy",
    "Ruby", "Pearl", "Selena", "Bianca", "Chloe", "Zoe", "Layla", "Maya", "Rina", "Sasha",
    "Olga", "Irina", "Lera", "Polina", "Eva", "Alexa", "Tiana", "Lexi", "Dana", "Nora",
)

YOUTH_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("young", "young", "teen", "fresh"),
    "es": ("jovencita", "jovencita", "joven"),
    "ru": ("молоденькая", "молоденькая", "юная"),
}

ETHNICITIES: dict[str, tuple[str, ...]] = {
    "en": ("latina", "asian", "ebony", "russian", "colombiana", "brazilian", "thai", "korean"),
    "es": ("latina", "colombiana", "venezolana", "dominicana", "cubana", "brasileña"),
    "ru": ("русская", "азиатка", "украинка", "славянка", "казашка"),
}

NETWORK: dict[str, dict[str, tuple[Phrase, ...]]] = {
    "en": {
        "title": (
            ("{name} in {city}", _0),
            ("Upscale companionship {city}", _0),
            ("Sweet and classy {name}", _0),
            ("Book {name} tonight", _0),
            ("Your perfect date in {city}", _0),
            ("{city} companion {name}", _0),
        ),
        "title_young": (("{yw} {name}", _Y), ("{yw} and sweet in {city}", _Y)),
        "title_eth": (("{eth} {name} in {city}", _ET), ("Exotic {eth} beauty", _ET)),
        "title_crown": (("👑 {name} 👑", _CR), ("👑 VIP {city} 👑", _CR)),
        "title_multi": (("2 girls available in {city}", _MP), ("New girls every week", _MP)),
        "title_move": (("Just arrived ✈️ {name}", _MV), ("New in town: {name}", _MV)),
        "greet": (
            ("Hi gentlemen ✨", _0),
            ("Hello gentlemen!", _0),
            ("Hey guys, welcome", _0),
            ("Good vibes only", _0),
            ("Upscale companionship in {city}", _0),
            ("Stop scrolling, you found the best in {city}", _0),
        ),
        "intro": (
            ("{name}, {age} yrs", _0),
            ("Meet {name} ({age})", _0),
            ("{name} here, age {age}", _0),
            ("{name} • {age} years old", _0),
            ("I'm {name}, {age}", _0),
            ("{name} {age}yo", _0),
        ),
        "cta": (
            ("Don't wait, book now", _0),
            ("Serious gentlemen only", _0),
            ("Discreet and upscale", _0),
            ("Clean and safe location", _0),
            ("Respectful clients only please", _0),
            ("You will not be disappointed", _0),
            ("Come relax and unwind", _0),
        ),
        "rates": (
            ("Rates: {hh} hh / {hr} hr", _0),
            ("{hr}/hr", _0),
            ("{hh} half hour, {hr} full hour", _0),
            ("Specials {hh} hh", _0),
            ("{hr} per hour, overnight {night}", _0),
            ("hh {hh} | hr {hr}", _0),
        ),
        "contact": (
            ("Call or text {contact}", _0),
            ("📱 {contact}", _0),
            ("Contact: {contact}", _0),
            ("Book now {contact}", _0),
            ("Text {contact} to set up", _0),
        ),
        "contact_tp": (
            ("Call her manager {contact}", _TP),
            ("Ask for {name} at {contact}", _TP),
            ("Text my girl's booking line {contact}", _TP),
        ),
        "young": (
            ("{yw} and sweet", _Y),
            ("{yw} face, great smile", _Y),
            ("the most {yw} girl in {city}", _Y),
            ("petite young thing", _Y),
            ("barely legal and ready to meet", _Y),
            ("{yw} cutie waiting for you", _Y),
        ),
        "new": (
            ("new to this 🙈", _N),
            ("first time posting", _N),
            ("totally new to this", _N),
            ("shy and inexperienced", _N),
            ("my first time here", _N),
        ),
        "emoji": (("💗💗💗", _E), ("🍒", _E), ("🌸 {name} 🌸", _E), ("💗🌸", _E), ("🍒💗", _E)),
        "third": (
            ("Ask for {name}", _TP),
            ("She is available now", _TP),
            ("Call her manager to book", _TP),
            ("My girl {name} is ready for you", _TP),
            ("She will make your day", _TP),
        ),
        "multi": (
            ("2 girls available", _MP),
            ("{name} & {name2} both available", _MP),
            ("New girls every week", _MP),
            ("Many girls to choose from", _MP),
            ("3 ladies on shift tonight", _MP),
        ),
        "crown": (("👑", _CR), ("👑 VIP 👑", _CR), ("👑{name}👑", _CR)),
        "trust": (
            ("100% real and reliable", _TR),
            ("Professional and trustworthy", _TR),
            ("Real pics, trustworthy service", _TR),
            ("Safe, professional, 100% real", _TR),
            ("Reliable and professional service", _TR),
        ),
        "eth": (
            ("{eth} beauty", _ET),
            ("Sweet {eth} girl", _ET),
            ("Exotic {eth} {name}", _ET),
            ("Gorgeous {eth} companion", _ET),
        ),
        "move": (
            ("New in town!", _MV),
            ("Just arrived in {city} ✈️", _MV),
            ("Visiting {city} this week only", _MV),
            ("Leaving soon, don't miss out", _MV),
            ("✈️ In {city} for a few days", _MV),
        ),
        "incall": (
            ("Incall only", _IN),
            ("No outcalls", _IN),
            ("Incall only, no outcalls", _IN),
            ("Incall at our place only", _IN),
        ),
        "limited": (
            ("Text only", _LC),
            ("No calls, text only", _LC),
            ("No english, text please", _LC),
            ("No calls please", _LC),
        ),
        "always": (
            ("24/7", _AA),
            ("Available 24/7", _AA),
            ("Available all day and night", _AA),
            ("Open 24/7", _AA),
        ),
        "code": (
            ("Donation {hr} per hour", _CW),
            ("{hr_n} roses/hr", _CW),
            ("Gifts: {hh} half hour, {hr} hour", _CW),
            ("Roses {hr_n} for the hour", _CW),
        ),
        "prepaid": (
            ("Gift card accepted", _PP),
            ("Prepaid card only", _PP),
            ("Vanilla card ok", _PP),
            ("Pay with gift card", _PP),
        ),
        "crypto": (("Bitcoin only", _CY), ("Crypto only", _CY), ("BTC or gift card", _CY + _PP)),
        "crypto_addr": (
            ("Deposit to {wallet}", _CY),
            ("Crypto only, wallet {wallet}", _CY),
            ("Send deposit: {wallet}", _CY),
        ),
        "p2p": (
            ("{p2p} for deposit", _P2),
            ("Deposit via {p2p}", _P2),
            ("{p2p} accepted", _P2),
        ),
        "short": (
            ("QV {qv}", _SS),
            ("Quick visit {qv}", _SS),
            ("15 min {qv}", _SS),
            ("qv specials {qv}", _SS),
        ),
        "social": (("Add me {handle}", _0), ("Follow {handle}", _0), ("Also on {handle}", _0)),
        "mail": (("Email {email}", _0), ("Write to {email}", _0), ("📧 {email}", _0)),
    },
    "es": {
        "title": (
            ("{name} en {city}", _0),
            ("Compañía elegante {city}", _0),
            ("Dulce y elegante {name}", _0),
            ("Reserva con {name} hoy", _0),
        ),
        "title_young": (("{yw} {name}", _Y), ("{yw} en {city}", _Y)),
        "title_eth": (("{eth} {name} en {city}", _ET), ("Hermosa {eth}", _ET)),
        "title_crown": (("👑 {name} 👑", _CR), ("👑 VIP {city} 👑", _CR)),
        "title_multi": (("2 chicas en {city}", _MP), ("Chicas nuevas cada semana", _MP)),
        "title_move": (("Nueva en la ciudad ✈️", _MV), ("Recién llegada: {name}", _MV)),
        "greet": (
            ("Hola caballeros ✨", _0),
            ("Hola amor", _0),
            ("Bienvenidos", _0),
            ("Lo mejor de {city}", _0),
        ),
        "intro": (
            ("Soy {name}, tengo {age} años", _0),
            ("{name}, {age} añitos", _Y),
            ("Me llamo {name} y tengo {age} años", _0),
            ("tengo {age} añitos", _Y),
        ),
        "cta": (
            ("Discreta y elegante", _0),
            ("Llámame ya", _0),
            ("Solo caballeros respetuosos", _0),
            ("Lugar limpio y seguro", _0),
        ),
        "rates": (
            ("{hr} la hora", _0),
            ("Media hora {hh}, hora {hr}", _0),
            ("Tarifas: {hh} media hora / {hr} hora", _0),
            ("Hora {hr}, noche {night}", _0),
        ),
        "contact": (
            ("Llama o escribe {contact}", _0),
            ("Tel: {contact}", _0),
            ("Contacto: {contact}", _0),
            ("📱 {contact}", _0),
        ),
        "contact_tp": (
            ("Llama a su manager {contact}", _TP),
            ("Pregunta por {name} al {contact}", _TP),
        ),
        "young": (
            ("{yw} y dulce", _Y),
            ("{yw} hermosa", _Y),
            ("una {yw} cariñosa", _Y),
            ("{yw} de {city}", _Y),
        ),
        "new": (
            ("nueva en esto", _N),
            ("es mi primera vez aquí", _N),
            ("sin experiencia", _N),
            ("soy nueva en esto 🙈", _N),
        ),
        "emoji": (("💗💗", _E), ("🍒", _E), ("🌸 {name} 🌸", _E), ("💗🌸", _E)),
        "third": (
            ("Pregunta por {name}", _TP),
            ("Ella está disponible ahora", _TP),
            ("Llama a su manager", _TP),
            ("Mi chica {name} te espera", _TP),
        ),
        "multi": (
            ("2 chicas disponibles", _MP),
            ("Chicas nuevas cada semana", _MP),
            ("Muchas chicas para elegir", _MP),
            ("{name} y {name2} disponibles", _MP),
        ),
        "crown": (("👑", _CR), ("👑 VIP 👑", _CR), ("👑{name}👑", _CR)),
        "trust": (
            ("100% real y confiable", _TR),
            ("Servicio profesional y de confianza", _TR),
            ("Profesional y confiable", _TR),
        ),
        "eth": (("{eth} hermosa", _ET), ("Chica {eth}", _ET), ("{eth} de verdad", _ET)),
        "move": (
            ("Nueva en la ciudad", _MV),
            ("Recién llegada a {city} ✈️", _MV),
            ("De visita en {city}, me voy pronto", _MV),
        ),
        "incall": (("Solo incall", _IN), ("Solo en mi lugar, no outcall", _IN)),
        "limited": (
            ("Solo mensajes de texto", _LC),
            ("No hablo inglés", _LC),
            ("No llamadas, solo texto", _LC),
        ),
        "always": (("Disponible 24/7", _AA), ("Disponible día y noche", _AA)),
        "code": (
            ("Donación {hr} la hora", _CW),
            ("Regalo {hh} media hora", _CW),
            ("Rosas {hr_n} la hora", _CW),
        ),
        "prepaid": (("Acepto tarjeta de regalo", _PP), ("Solo tarjeta prepagada", _PP)),
        "crypto": (("Solo bitcoin", _CY), ("Pago en cripto", _CY)),
        "crypto_addr": (("Bitcoin: {wallet}", _CY), ("Depósito a {wallet}", _CY)),
        "p2p": (("Depósito por {p2p}", _P2), ("Acepto {p2p}", _P2)),
        "short": (("Visita rápida {qv}", _SS), ("15 min {qv}", _SS)),
        "social": (("Búscame en {handle}", _0), ("Sígueme {handle}", _0)),
        "mail": (("Correo: {email}", _0), ("Escríbeme a {email}", _0)),
    },
    "ru": {
        "title": (
            ("{name} в {city}", _0),
            ("Элегантный досуг {city}", _0),
            ("Милая {name}", _0),
            ("Встреча с {name} сегодня", _0),
        ),
        "title_young": (("{yw} {name}", _Y), ("{yw} в {city}", _Y)),
        "title_eth": (("{eth} {name} в {city}", _ET), ("Красивая {eth}", _ET)),
        "title_crown": (("👑 {name} 👑", _CR), ("👑 VIP {city} 👑", _CR)),
        "title_multi": (("2 девушки в {city}", _MP), ("Новые девушки каждую неделю", _MP)),
        "title_move": (("Только приехала ✈️ {name}", _MV), ("Проездом в {city}", _MV)),
        "greet": (
            ("Привет, джентльмены ✨", _0),
            ("Добрый вечер", _0),
            ("Лучший досуг в {city}", _0),
        ),
        "intro": (
            ("Я {name}, мне {age}", _0),
            ("{name}, возраст {age}", _0),
            ("мне {age} лет", _0),
            ("{name}, {age} лет", _0),
        ),
        "cta": (
            ("Дискретно и элегантно", _0),
            ("Звоните сейчас", _0),
            ("Только вежливым джентльменам", _0),
            ("Чисто и уютно", _0),
        ),
        "rates": (
            ("{hr} за час", _0),
            ("Полчаса {hh}, час {hr}", _0),
            ("Цены: {hh} полчаса / {hr} час", _0),
            ("Час {hr}, ночь {night}", _0),
        ),
        "contact": (("Звоните {contact}", _0), ("Тел: {contact}", _0), ("Контакт: {contact}", _0)),
        "contact_tp": (
            ("Звоните менеджеру {contact}", _TP),
            ("Спросите {name}: {contact}", _TP),
        ),
        "young": (
            ("{yw} {name}", _Y),
            ("{yw} и нежная", _Y),
            ("совсем {yw}", _Y),
        ),
        "new": (
            ("впервые", _N),
            ("я новенькая в этом", _N),
            ("неопытная", _N),
            ("впервые на сайте", _N),
        ),
        "emoji": (("💗💗", _E), ("🍒", _E), ("🌸 {name} 🌸", _E)),
        "third": (
            ("Спросите {name}", _TP),
            ("Она свободна сейчас", _TP),
            ("Звоните её менеджеру", _TP),
            ("Моя девочка {name} ждёт", _TP),
        ),
        "multi": (
            ("2 девушки", _MP),
            ("Новые девушки каждую неделю", _MP),
            ("Много девушек на выбор", _MP),
        ),
        "crown": (("👑", _CR), ("👑 VIP 👑", _CR), ("👑{name}👑", _CR)),
        "trust": (
            ("100% надёжно и профессионально", _TR),
            ("Профессионально и надёжно", _TR),
            ("Реальные фото, надёжно", _TR),
        ),
        "eth": (("{eth} красавица", _ET), ("Настоящая {eth}", _ET)),
        "move": (
            ("Только приехала в {city} ✈️", _MV),
            ("Проездом в {city}", _MV),
            ("Скоро уезжаю", _MV),
        ),
        "incall": (("Только у себя", _IN), ("Только апартаменты, без выезда", _IN)),
        "limited": (
            ("Только смс", _LC),
            ("Не звоните, пишите", _LC),
            ("Не говорю по-английски", _LC),
        ),
        "always": (("Круглосуточно", _AA), ("24/7", _AA), ("Доступна днём и ночью", _AA)),
        "code": (("Подарок {hr} за час", _CW), ("Розы {hr_n} за час", _CW)),
        "prepaid": (("Принимаю подарочные карты", _PP), ("Только предоплаченная карта", _PP)),
        "crypto": (("Только биткоин", _CY), ("Оплата криптой", _CY)),
        "crypto_addr": (("Биткоин: {wallet}", _CY), ("Предоплата на {wallet}", _CY)),
        "p2p": (("Предоплата через {p2p}", _P2),),
        "short": (("Экспресс 15 мин {qv}", _SS), ("Быстрый визит {qv}", _SS)),
        "social": (("Я есть в {handle}", _0), ("Пишите в {handle}", _0)),
        "mail": (("Почта: {email}", _0), ("Пишите на {email}", _0)),
    },
}

INDEPENDENT: dict[str, dict[str, tuple[Phrase, ...]]] = {
    "en": {
        "title": (
            ("{name}, independent companion", _0),
            ("Classy {name} in {city}", _0),
            ("Upscale companionship by {name}", _0),
            ("Discreet dinner date {city}", _0),
        ),
        "greet": (("Hi gentlemen", _0), ("Hello there", _0), ("Good evening gentlemen", _0)),
        "intro": (
            ("I'm {name}, {age}, an independent companion in {city}", _0),
            ("{name} here, {age}, independent and easygoing", _0),
            ("My name is {name}, I'm {age} and I work for myself", _0),
        ),
        "serv": (
            ("Upscale companionship, incall/outcall", _0),
            ("Dinner dates and discreet companionship", _0),
            ("Classy, discreet, upscale", _0),
            ("Outcall to hotels and residences", _0),
        ),
        "rates": (
            ("Rates: {hh} hh, {hr} hr", _0),
            ("{hr}/hr", _0),
            ("Hourly {hr}, overnight {night}", _0),
        ),
        "rates_code": (
            ("Donation {hr} per hour", _CW),
            ("{hr_n} roses/hr", _CW),
            ("Gifts {hh} hh / {hr} hr", _CW),
        ),
        "move": (
            ("New in town, visiting {city} until Sunday", _MV),
            ("Visiting {city} this week ✈️", _MV),
            ("Just arrived in {city}", _MV),
            ("Leaving soon, book ahead", _MV),
        ),
        "screen": (
            ("Screening required for new friends", _0),
            ("Respectful gentlemen only", _0),
            ("References welcome", _0),
            ("Please be polite and on time", _0),
        ),
        "contact": (
            ("Call or text {contact}", _0),
            ("Text {contact} to book", _0),
            ("Reach me at {contact}", _0),
        ),
        "social": (("Find me on {handle}", _0), ("Also on {handle}", _0)),
        "mail": (("Email {email}", _0), ("Bookings: {email}", _0)),
        "weak_incall": (("Incall only this week", _IN),),
        "weak_always": (("Available 24/7", _AA),),
        "weak_short": (("QV {qv} available", _SS),),
        "weak_limited": (("Text only please", _LC),),
        "weak_p2p": (("Deposit via {p2p}", _P2),),
    },
    "es": {
        "title": (
            ("{name}, compañía independiente", _0),
            ("Elegante {name} en {city}", _0),
            ("Cena y compañía en {city}", _0),
        ),
        "greet": (("Hola caballeros", _0), ("Buenas noches", _0)),
        "intro": (
            ("Soy {name}, tengo {age} años, independiente", _0),
            ("Me llamo {name}, {age} años, trabajo por mi cuenta", _0),
        ),
        "serv": (("Compañía elegante, incall/outcall", _0), ("Cenas y compañía discreta", _0)),
        "rates": (("{hr} la hora", _0), ("Media hora {hh}, hora {hr}", _0)),
        "rates_code": (("Donación {hr} la hora", _CW), ("Rosas {hr_n} la hora", _CW)),
        "move": (
            ("De visita en {city} esta semana", _MV),
            ("Recién llegada a {city}", _MV),
            ("Nueva en la ciudad", _MV),
        ),
        "screen": (("Solo caballeros respetuosos", _0), ("Puntualidad por favor", _0)),
        "contact": (("Llama o escribe {contact}", _0), ("Tel: {contact}", _0)),
        "social": (("Sígueme en {handle}", _0),),
        "mail": (("Correo: {email}", _0),),
        "weak_incall": (("Solo incall esta semana", _IN),),
        "weak_always": (("Disponible 24/7", _AA),),
        "weak_short": (("Visita rápida {qv}", _SS),),
        "weak_limited": (("Solo mensajes por favor", _LC),),
        "weak_p2p": (("Depósito por {p2p}", _P2),),
    },
    "ru": {
        "title": (
            ("{name}, независимая спутница", _0),
            ("Элегантная {name} в {city}", _0),
            ("Ужин и компания в {city}", _0),
        ),
        "greet": (("Добрый вечер, джентльмены", _0), ("Здравствуйте", _0)),
        "intro": (
            ("Я {name}, мне {age}, работаю сама", _0),
            ("{name}, возраст {age}, независимая", _0),
        ),
        "serv": (("Элегантный досуг, у себя и выезд", _0), ("Ужин и приятная компания", _0)),
        "rates": (("{hr} за час", _0), ("Полчаса {hh}, час {hr}", _0)),
        "rates_code": (("Подарок {hr} за час", _CW), ("Розы {hr_n} за час", _CW)),
        "move": (("Проездом в {city} на неделю", _MV), ("Только приехала в {city}", _MV)),
        "screen": (("Только вежливым мужчинам", _0), ("Пожалуйста, без опозданий", _0)),
        "contact": (("Звоните {contact}", _0), ("Тел: {contact}", _0)),
        "social": (("Пишите в {handle}", _0),),
        "mail": (("Почта: {email}", _0),),
        "weak_incall": (("Только у себя на этой неделе", _IN),),
        "weak_always": (("Круглосуточно", _AA),),
        "weak_short": (("Экспресс {qv}", _SS),),
        "weak_limited": (("Только смс, пожалуйста", _LC),),
        "weak_p2p": (("Предоплата через {p2p}", _P2),),
    },
}
