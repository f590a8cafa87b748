# ruff: noqa: E501 -- the demo texts and data tables read better one entry per line.
"""Fill the database with a demo magazine: three years of issues, rubrics, articles, an editor.

Safe to run again: every row is found by its natural key, an existing article keeps its blocks, and
covers are drawn only for issues that have none. All the texts are invented for the demo.
"""

import io
import os
import random
import textwrap
from base64 import b32decode, b32encode
from binascii import unhexlify
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from PIL import Image, ImageDraw, ImageFont
from taggit.models import Tag

from articles.models import Article, ArticleBlock, Author
from issues.models import Contacts, Issue, Section
from issues.slugs import slug_for

SEED = 2025
EDITOR_USERNAME = "editor"
DEFAULT_PASSWORD = "magazine-demo-2025"
DEMO_AUTHENTICATOR = "Demo authenticator"  # the editor's TOTP device: staff sign in with a second factor
SITE_URL = "http://127.0.0.1:8000/"

SECTIONS = [  # slug, Uzbek, Russian, English
    ("geopolitics", "Geosiyosat", "Геополитика", "Geopolitics"),
    ("security", "Xavfsizlik", "Безопасность", "Security"),
    ("economy-energy", "Iqtisodiyot va energetika", "Экономика и энергетика", "Economy & Energy"),
    ("water-climate", "Suv va iqlim", "Вода и климат", "Water & Climate"),
    ("regional-cooperation", "Mintaqaviy hamkorlik", "Региональное сотрудничество", "Regional Cooperation"),
    ("interview", "Suhbat", "Интервью", "Interview"),
    ("analysis", "Tahlil", "Аналитика", "Analysis"),
]
SECTION_TAGS = {
    "geopolitics": ["OTS", "SCO", "Afghanistan", "great powers"],
    "security": ["border security", "cybersecurity", "disinformation", "Afghanistan"],
    "economy-energy": ["energy", "transport corridors", "trade", "migration"],
    "water-climate": ["water", "climate", "Aral Sea", "glaciers"],
    "regional-cooperation": ["OTS", "border security", "trade", "water"],
    "interview": ["water", "cybersecurity", "energy", "regional cooperation"],
    "analysis": ["disinformation", "climate", "trade", "youth"],
}
AUTHORS = {  # language: [(name, position)]
    "uz": [
        ("Dilshod Yusupov", "xalqaro munosabatlar bo'yicha tadqiqotchi"),
        ("Malika Tursunova", "iqtisodchi"),
        ("Sardor Azimov", "xavfsizlik masalalari bo'yicha ekspert"),
        ("Nodira Xolmatova", "suv resurslari bo'yicha mutaxassis"),
        ("Otabek Ismoilov", "jurnalist"),
    ],
    "ru": [("Ирина Соколова", "политолог"), ("Тимур Абдуллаев", "экономист")],
    "en": [("Laura Whitfield", "energy researcher"), ("Daniel Moreau", "journalist")],
}
INTERVIEWEES = [  # in the order the interviews appear below
    ("Bahrom Ergashev", "gidrolog, suv resurslari bo'yicha mustaqil ekspert"),
    ("Kamola Rustamova", "kiberxavfsizlik bo'yicha ekspert"),
    ("Jasur Normatov", "energetika bozori tahlilchisi"),
    ("Ravshan Haydarov", "sobiq diplomat"),
    ("Gulnora Saidova", "mintaqaviy tadqiqotlar markazi direktori"),
]
BIO = (  # a person's short bio in Uzbek, Russian and English
    "{name} mintaqaviy xavfsizlik va xalqaro munosabatlar haqida yozadi va jurnal muhokamalarida qatnashadi.",
    "{name} пишет о региональной безопасности и международных отношениях, участвует в дискуссиях журнала.",
    "{name} writes on regional security and international relations and takes part in the journal's debates.",
)
# year, first number, last number, publication date, theme in Uzbek, Russian, English; the last is a draft.
ISSUES = [
    (2023, 1, None, (3, 15), "Yangi davr chorrahasida", "На перекрёстке новой эпохи", "At the crossroads"),
    (2023, 2, None, (6, 15), "Suv: hamkorlik manbai", "Вода: источник сотрудничества", "Water and cooperation"),
    (2023, 3, None, (9, 15), "Transport yo'laklari", "Транспортные коридоры", "Transport corridors"),
    (2023, 4, None, (12, 15), "Raqamli tahdidlar", "Цифровые угрозы", "Digital threats"),
    (2024, 1, 2, (6, 10), "Energetika xavfsizligi", "Энергетическая безопасность", "Energy security"),
    (2024, 3, None, (9, 16), "Afg'oniston va barqarorlik", "Афганистан и стабильность", "Afghanistan and stability"),
    (2024, 4, None, (12, 16), "Chegaralar va ishonch", "Границы и доверие", "Borders and trust"),
    (2025, 1, 2, (6, 12), "Iqlim o'zgarishi va mintaqa", "Изменение климата и регион", "Climate and the region"),
    (2025, 3, None, (9, 15), "Mintaqaviy integratsiya", "Региональная интеграция", "Regional integration"),
    (2025, 4, None, (12, 15), "Yoshlar va xavfsizlik", "Молодёжь и безопасность", "Youth and security"),
]  # fmt: skip
RU, EN = {"language": "ru"}, {"language": "en"}
# Per issue: (section, title, lead[, extra fields]); the order is the table of contents.
ARTICLES = [
    [
        ("geopolitics", "Markaziy Osiyo yangi muvozanat izlamoqda", "Katta davlatlar raqobatida mintaqa o'z ovozini qanday saqlaydi?"),
        ("security", "Chegaraoldi hududlarda barqarorlik", "Chegara tumanlarida xavfsizlik iqtisodiy imkoniyat hamdir."),
        ("economy-energy", "Savdo yo'llari va mintaqa iqtisodiyoti", "Tranzit daromadlari byudjetda tobora katta o'rin egallamoqda."),
        ("analysis", "2023-yil: mintaqa uchun asosiy xatarlar", "Ekspertlar yil davomida e'tibor talab qiladigan xatarlarni sanaydi."),
    ],
    [
        ("water-climate", "Amudaryo havzasida suv taqsimoti", "Suv tanqisligi kuchaygan sari kelishuvlar ahamiyati oshmoqda."),
        ("interview", "Suv diplomatiyasi sabr talab qiladi", "Gidrolog bilan havzaviy boshqaruv va ishonch haqida suhbat."),
        ("water-climate", "Orol fojiasidan saboqlar", "Qurigan dengiz o'rnida yangi o'rmonlar va yangi muammolar paydo bo'lmoqda."),
        ("economy-energy", "Sug'orishda tejamkor texnologiyalar", "Tomchilatib sug'orish fermer uchun qimmatmi yoki foydalimi?"),
    ],
    [
        ("economy-energy", "Transkaspiy yo'lagi: imkoniyat va xatarlar", "Yevropaga olib boruvchi yangi yo'nalish mintaqaga nima beradi?"),
        ("geopolitics", "Temir yo'l diplomatiyasi", "Yangi temir yo'l loyihalari qo'shni poytaxtlar munosabatlarini o'zgartirmoqda."),
        ("regional-cooperation", "Chegarada navbatlarsiz savdo", "Bojxona tartiblarini soddalashtirish eng tez natija beradi."),
        ("analysis", "Логистика без выхода к морю", "Как страны региона превращают географию в преимущество.", RU),
    ],
    [
        ("security", "Kiberxavfsizlik: davlat va biznes hamkorligi", "Hujumlar soni ortib bormoqda, mutaxassislar esa yetishmaydi."),
        ("analysis", "Dezinformatsiyaga qarshi immunitet", "Yolg'on xabarlarga qarshi eng samarali qurol — media savodxonligi."),
        ("interview", "Raqamli suverenitet nima?", "Kiberxavfsizlik bo'yicha ekspert bilan ma'lumotlar va ishonch haqida suhbat.", {"print_first": True}),
        ("security", "Moliyaviy firibgarlikning yangi usullari", "Telefon orqali firibgarlik banklar uchun jiddiy sinovga aylandi."),
    ],
    [
        ("economy-energy", "Mintaqaviy energetika halqasi qayta tiklanadimi?", "Yagona energotizim qishki tanqislikni yumshatishi mumkin."),
        ("interview", "Quyosh energiyasi kelajagi", "Energetika tahlilchisi bilan qayta tiklanuvchi manbalar haqida suhbat."),
        ("economy-energy", "Gaz eksportidan ichki iste'molga", "Ichki ehtiyojning o'sishi eksport rejalarini o'zgartirmoqda."),
        ("water-climate", "Gidroenergetika va suv: murosa izlab", "Qishda elektr, yozda sug'orish: manfaatlar qanday kelishtiriladi?"),
        ("analysis", "Why the grid matters more than the pipeline", "Electricity trade may become the most practical integration.", EN),
    ],
    [
        ("geopolitics", "Afg'oniston va mintaqaviy barqarorlik", "Qo'shnilar uchun muloqotdan voz kechish xavfsizlikni kuchaytirmaydi."),
        ("economy-energy", "Trans-Afg'on temir yo'li: orzu va hisob-kitob", "Loyiha janubiy portlarga eng qisqa yo'lni va'da qiladi."),
        ("security", "Giyohvand moddalar savdosiga qarshi kurash", "Chegara xizmatlari o'rtasidagi axborot almashinuvi natija bermoqda."),
        ("geopolitics", "Гуманитарная помощь как инструмент доверия", "Поставки продовольствия и энергии открывают каналы диалога.", RU),
    ],
    [
        ("regional-cooperation", "Chegaralarni belgilash: murakkab, ammo mumkin", "Uzoq yillik bahslarni muloqot orqali hal qilish mumkin."),
        ("interview", "Ishonch chegara ustunlaridan mustahkamroq", "Sobiq diplomat bilan qo'shnichilik siyosati haqida suhbat."),
        ("security", "Chegara xizmatlari uchun zamonaviy texnologiyalar", "Dronlar va raqamli nazorat chegarachilar ishini yengillashtirmoqda."),
        ("analysis", "Anklavlar: kundalik hayot va siyosat", "Anklav aholisi uchun chegara — bu yo'l, bozor va maktab masalasi."),
    ],
    [
        ("water-climate", "Muzliklar erimoqda: mintaqa tayyormi?", "Muzliklarning qisqarishi kelgusi o'n yilliklarda suv oqimini o'zgartiradi.", {"image": True}),
        ("water-climate", "Chang bo'ronlari va sog'liq", "Orolqum cho'lidan ko'tarilgan chang shaharlar havosiga ham ta'sir qiladi."),
        ("analysis", "Iqlim moslashuvi uchun moliya qayerdan?", "Xalqaro fondlarga erishishda loyihalar sifati hal qiluvchi ahamiyatga ega."),
        ("analysis", "Where will the money for climate adaptation come from?", "Access to climate funds depends on the quality of projects.", EN | {"translation_of": "Iqlim moslashuvi uchun moliya qayerdan?"}),
        ("regional-cooperation", "Qishloq xo'jaligi va iqlim: umumiy tajriba", "Fermerlar qurg'oqchilikka chidamli navlar bilan tajriba almashmoqda."),
    ],
    [
        ("regional-cooperation", "Maslahat uchrashuvlari: format kuchi", "Rahbarlarning muntazam uchrashuvlari mintaqa kun tartibini belgilamoqda."),
        ("geopolitics", "Turkiy davlatlar tashkiloti va Markaziy Osiyo", "Hamkorlik madaniyatdan iqtisodiyotga kengaymoqda.", {"tags": ["OTS", "trade"]}),
        ("interview", "Integratsiya odamlardan boshlanadi", "Mintaqaviy tadqiqotlar markazi rahbari bilan suhbat.", {"print_first": True}),
        ("analysis", "A common market in all but name?", "Trade inside Central Asia has outgrown its trade with the world.", EN),
        ("economy-energy", "Kichik biznes uchun umumiy bozor", "Chegaralararo savdo tadbirkorlar uchun yangi imkoniyatlar ochmoqda.", {"draft": True}),
    ],
    [
        ("analysis", "Yoshlar va radikalizm: profilaktika yo'llari", "Ish o'rni va ta'lim radikal g'oyalarga qarshi eng ishonchli himoyadir."),
        ("security", "Onlayn makonda yoshlar xavfsizligi", "Ijtimoiy tarmoqlardagi tahdidlar maktablardan yangi bilim talab qiladi."),
        ("regional-cooperation", "Talabalar almashinuvi: yumshoq kuch", "Qo'shni mamlakatlar universitetlarida o'qiyotganlar soni ortmoqda."),
        ("economy-energy", "Mehnat migratsiyasining yangi yo'nalishlari", "Migrantlar endi turli mamlakatlar bozorlariga yo'l olmoqda."),
    ],
]  # fmt: skip
WEB_ONLY = [  # (section, title, lead, extra); "days": when it goes online, counted from now
    ("security", "Firibgar xabarlardan qanday saqlanish mumkin", "O'quvchilar uchun qisqa eslatma.", {"days": -10}),
    ("economy-energy", "Toshkent logistika ko'rgazmasi: hamkorlar uchun imkoniyat", "Hamkorlik asosida tayyorlangan material.", {"days": -4, "is_sponsored": True}),
    ("analysis", "Navbatdagi son taqdimoti oldidan", "Yangi son mavzulari va mualliflari haqida.", {"days": 7}),
]  # fmt: skip
PARAGRAPHS = {
    "uz": [
        "Markaziy Osiyo mamlakatlari so'nggi yillarda o'zaro munosabatlarda yangi bosqichga qadam qo'ydi. Chegaralar ochildi, savdo hajmi oshdi, rahbarlar muntazam uchrashib turibdi. Biroq bu yutuqlarni mustahkamlash uchun doimiy mehnat va aniq institutlar kerak.",
        "Suv resurslari mintaqa barqarorligining asosiy omillaridan biri bo'lib qolmoqda. Aholi soni o'sib, iqlim isib bormoqda. Shunday sharoitda har bir kub metr suvdan oqilona foydalanish milliy xavfsizlik masalasiga aylanadi.",
        "Ekspertlarning fikricha, transport yo'laklarini rivojlantirish faqat yo'l qurish bilan cheklanmaydi. Bojxona tartiblari, raqamli hujjat aylanishi va chegaradagi hamkorlik ham xuddi shunday muhim.",
        "Energetika sohasida mintaqa davlatlari bir-birini to'ldiradi: kimdadir gidroenergetika salohiyati bor, kimdadir gaz va issiqlik elektr stansiyalari. Yagona bozor bu imkoniyatlarni birlashtirishi mumkin.",
        "Kiberxavfsizlik bugun nafaqat texnik, balki siyosiy masaladir. Davlat idoralari, banklar va kommunal xizmatlarni hujumlardan himoya qilish uchun malakali mutaxassislar va xalqaro hamkorlik zarur.",
        "Tarixiy tajriba shuni ko'rsatadiki, qo'shnilar bilan kelishmovchiliklarni faqat muloqot orqali hal qilish mumkin. Har bir kelishuv keyingi qadam uchun ishonch poydevorini yaratadi.",
        "Statistik ma'lumotlarning ochiqligi ham muhim ahamiyatga ega. Ishonchli raqamlarsiz na investor, na tadqiqotchi, na davlat idorasi to'g'ri qaror qabul qila oladi.",
        "Iqlim o'zgarishi mintaqaga boshqa hududlarga qaraganda tezroq ta'sir qilmoqda. Issiq kunlar soni ortmoqda, qishloq xo'jaligi esa yangi sharoitlarga moslashishga majbur.",
        "Tahlilchilar mintaqaviy tashkilotlar samaradorligini oshirish zarurligini ta'kidlaydi. Qarorlar ijrosini kuzatib boruvchi mexanizm bo'lmasa, eng yaxshi hujjat ham amalda ishlamaydi.",
        "Yoshlar mintaqaning eng katta boyligidir. Ularni sifatli ta'lim va munosib ish bilan ta'minlash radikal g'oyalar va noqonuniy migratsiyaga qarshi eng ishonchli choradir.",
        "Xulosa qilib aytganda, mintaqa oldida turgan vazifalar murakkab, ammo hal qilib bo'lmaydigan emas. Asosiysi — boshlangan muloqotni to'xtatmaslik va kelishuvlarni amalga oshirish.",
    ],
    "ru": [
        "Страны Центральной Азии всё чаще видят в региональном сотрудничестве не уступку соседям, а способ укрепить собственную безопасность. Общие границы, реки и рынки делают изоляцию слишком дорогой.",
        "Эксперты отмечают, что главная проблема региона — не отсутствие соглашений, а их исполнение. Без механизмов контроля и открытой статистики даже удачный документ остаётся декларацией.",
        "Транспортные коридоры меняют экономическую карту региона. Каждый новый маршрут сокращает время доставки, но требует согласованных таможенных правил и электронного документооборота.",
        "В ближайшие годы повестку будут определять вода, энергия и климат. Чем раньше страны договорятся об общих правилах, тем дешевле обойдётся адаптация.",
        "Подводя итог, у региона есть все условия для устойчивого развития. Важно сохранить темп диалога и не откладывать трудные решения.",
    ],
    "en": [
        "Central Asian governments increasingly treat regional cooperation not as a concession to their neighbours but as a way of strengthening their own security. Shared borders, rivers and markets make isolation too expensive.",
        "The region's main problem is rarely the absence of agreements; it is their implementation. Without monitoring and open statistics, even a well-drafted document remains a declaration of intent.",
        "New transport routes are redrawing the economic map. Every corridor shortens delivery times, but each also depends on customs rules that neighbours agree on and actually apply.",
        "Water, energy and climate will set the agenda for the coming decade. The sooner the states agree on common rules, the cheaper adaptation will be for farmers, cities and power systems alike.",
        "In short, the region has what it needs for steady development. What matters now is keeping up the pace of dialogue and not postponing the difficult decisions.",
    ],
}  # fmt: skip
LISTS = {
    "uz": "<p>Ekspertlar quyidagi ustuvor yo'nalishlarni ajratib ko'rsatadi:</p><ul><li>ma'lumot almashinuvi va ochiq statistika;</li><li>chegaradagi tartiblarni soddalashtirish;</li><li>qo'shma loyihalar uchun umumiy moliya;</li><li>yosh mutaxassislarni tayyorlash.</li></ul>",
    "ru": "<p>Среди первоочередных задач эксперты называют:</p><ul><li>упрощение пограничных процедур;</li><li>обмен данными о водных ресурсах;</li><li>совместную подготовку специалистов.</li></ul>",
    "en": "<p>Analysts single out three priorities:</p><ul><li>simpler border procedures;</li><li>open data on water and energy;</li><li>joint training of specialists.</li></ul>",
}  # fmt: skip
LINKS = {
    "uz": "<p>Mavzu bo'yicha batafsil ma'lumotni <a href=\"https://example.org/reports/central-asia\">tahliliy hisobotda</a> o'qish mumkin.</p>",
    "ru": "<p>Подробнее — в <a href=\"https://example.org/reports/central-asia\">аналитическом докладе</a>.</p>",
    "en": "<p>More detail is in the <a href=\"https://example.org/reports/central-asia\">background report</a>.</p>",
}  # fmt: skip
QUOTES = {
    "uz": ("Qo'shnilar bilan ishonch — eng arzon va eng ishonchli xavfsizlik.", "Tahririyat"),
    "ru": ("Дорогу построить легко, доверие — труднее.", "Редакция"),
    "en": ("A road is easy to build; trust along it takes longer.", "The editors"),
}
QA = [
    ("Mintaqadagi hozirgi vaziyatni qanday baholaysiz?", "Vaziyat murakkab, lekin umidsiz emas. So'nggi yillarda qo'shnilar muloqotga ko'proq vaqt ajratmoqda, bu eng muhim o'zgarish. Muammolar ko'p, ammo ularni birgalikda hal qilish istagi bor."),
    ("Sizningcha, hamkorlikka eng ko'p nima xalaqit beradi?", "Avvalo, ishonch yetishmasligi. Har bir tomon o'z manfaatini himoya qiladi va bu tabiiy. Lekin ochiq ma'lumot almashinuvi bo'lmasa, eng yaxshi kelishuv ham qog'ozda qolib ketadi."),
    ("Xalqaro tashkilotlarning roli qanday?", "Ular tajriba va mablag' bilan yordam beradi, biroq qarorni mintaqa davlatlarining o'zi qabul qilishi kerak. Tashqi yordam ichki siyosiy irodaning o'rnini bosa olmaydi."),
    ("Yoshlar bu jarayonda qanday o'rin tutadi?", "Yosh mutaxassislar yangi texnologiyalarni tez o'zlashtiradi va qo'shni mamlakatlardagi hamkasblari bilan osonroq til topishadi. Ularga imkoniyat berish kerak."),
    ("Yaqin besh yil uchun prognozingiz qanday?", "Men ehtiyotkor optimistman. Agar muloqot davom etsa, besh yildan keyin biz umumiy loyihalar haqida emas, ularning natijalari haqida gapiramiz."),
    ("O'quvchilarimizga nima demoqchi edingiz?", "Mintaqa haqida faqat yangiliklardan emas, tadqiqotlardan ham o'qing. Chuqur tahlil shoshilinch xulosalardan saqlaydi."),
]  # fmt: skip
EDITORS_NOTE = {
    "": "<p>Hurmatli o'quvchi! Ushbu sonning bosh mavzusi — «{}». Mualliflarimiz mintaqa uchun muhim savollarga javob izlaydi, ekspertlar esa tajribasi bilan o'rtoqlashadi.</p>",
    "_ru": "<p>Дорогой читатель! Главная тема номера — «{}». Наши авторы ищут ответы на важные для региона вопросы, а эксперты делятся опытом.</p>",
    "_en": "<p>Dear reader, the main theme of this issue is “{}”. Our authors look for answers to the questions that matter for the region, and practitioners share what they have learned.</p>",
}  # fmt: skip
WHERE_TO_BUY = {
    "": "Toshkentda: «Qalam va qog'oz» kitob do'koni (Yunusobod tumani), «Sahifa» kitob uyi (Mirobod tumani), metro bekatlari yonidagi «Bekat» kiosklari va tahririyatda.",
    "_ru": "В Ташкенте: книжный магазин «Калам ва когоз» (Юнусабадский район), книжный дом «Сахифа» (Мирабадский район), киоски «Бекат» у станций метро и в редакции.",
    "_en": "In Tashkent: the Qalam va Qog'oz bookshop (Yunusobod district), the Sahifa book house (Mirobod district), Bekat newsstands at metro stations, and the editorial office.",
}  # fmt: skip
CONTACTS = {
    "address": "100015, Toshkent, Mirobod tumani, Chinor ko'chasi, 9-uy, 2-qavat",
    "address_ru": "100015, Ташкент, Мирабадский район, улица Чинор, дом 9, 2-й этаж",
    "address_en": "9 Chinor Street, 2nd floor, Mirobod district, Tashkent 100015",
    "phone": "+998 71 205-17-40",
    "email": "tahririyat@example.org",
    "body": "<p>Tahririyat dushanbadan jumagacha 9:00 dan 18:00 gacha ishlaydi. Maqola va takliflaringizni elektron pochta orqali yuboring.</p>",
    "body_ru": "<p>Редакция работает с понедельника по пятницу с 9:00 до 18:00. Статьи и предложения присылайте по электронной почте.</p>",
    "body_en": "<p>The editorial office is open Monday to Friday, 9:00 to 18:00. Send articles and proposals by email.</p>",
}  # fmt: skip
PALETTE = [(140, 28, 19), (22, 64, 110), (24, 94, 74), (120, 76, 20), (72, 40, 104), (38, 52, 60), (150, 60, 40)]  # fmt: skip
PAPER = (245, 241, 232)
IMAGE_ALT = "Sxematik chizma: yashil fonda muzliklarni bildiruvchi halqalar va ilon izi bo'lib oqadigan daryo"
IMAGE_CAPTION = "Amudaryo havzasining soddalashtirilgan sxemasi (tahririyat chizmasi)"


def font(size):
    return ImageFont.load_default(size=size)


def jpeg(image):
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return ContentFile(out.getvalue())


def draw_shapes(draw, rng, size, color):
    """Rings and a meandering 'river' line: abstract, map-like ornament."""
    width, height = size
    for _ in range(7):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(width // 12, width // 3)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=color, width=rng.randint(3, 14))
    y, points = height // 2, []
    for x in range(0, width + 60, 60):
        y = min(height * 3 // 4, max(height // 4, y + rng.randint(-height // 20, height // 20)))
        points.append((x, y))
    draw.line(points, fill=PAPER, width=max(6, width // 150), joint="curve")


def draw_cover(issue, color):
    """A 900×1200 cover: the masthead, rings, the issue's label and its English theme."""
    rng = random.Random(f"cover-{issue.label}")
    image = Image.new("RGB", (900, 1200), color)
    draw = ImageDraw.Draw(image)
    draw_shapes(draw, rng, (900, 1200), tuple(min(255, c + 70) for c in color))
    draw.rectangle((0, 0, 900, 200), fill=PAPER)
    draw.text((60, 40), "REGIONAL SECURITY", fill=color, font=font(76))
    draw.text((64, 140), "Mintaqaviy xavfsizlik · quarterly · Tashkent", fill=(60, 60, 60), font=font(30))
    draw.rectangle((40, 860, 860, 1160), fill=color)
    draw.text((60, 870), issue.label, fill="white", font=font(150))
    for n, line in enumerate(textwrap.wrap(issue.theme_en.upper(), 30)):
        draw.text((64, 1050 + n * 46), line, fill="white", font=font(40))
    return jpeg(image)


def draw_illustration(seed, color, label=""):
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 900), color)
    draw = ImageDraw.Draw(image)
    draw_shapes(draw, rng, (1600, 900), tuple(min(255, c + 60) for c in color))
    if label:
        draw.text((60, 790), label, fill=PAPER, font=font(64))
    return jpeg(image)


def article_blocks(rng, index, language, *, interview, image, link):
    """(kind, body, caption) triples: Q&A for an interview, else paragraphs with lists, links, quotes."""
    if interview:
        pairs = sorted(rng.sample(range(len(QA)), 4))
        return [
            (kind, f"<p>{text}</p>", "")
            for i in pairs
            for kind, text in zip(["question", "answer"], QA[i], strict=True)
        ]
    blocks = [("text", f"<p>{text}</p>", "") for text in rng.sample(PARAGRAPHS[language], 5)]
    if index % 3 == 0:
        blocks.insert(2, ("text", LISTS[language], ""))
    if index % 4 == 1:
        blocks.insert(1, ("quote", f"<p>{QUOTES[language][0]}</p>", QUOTES[language][1]))
    if link or index % 5 == 2:
        blocks.append(("text", LINKS[language], ""))
    if image:
        blocks.insert(2, ("image", "", IMAGE_CAPTION))
    return blocks


class Command(BaseCommand):
    help = "Create a demo magazine (issues, rubrics, articles, interviews, covers) and an editor account."

    def handle(self, *args, **options):
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.created = 0
        with transaction.atomic():
            self.sections = {
                slug: Section.objects.update_or_create(
                    slug=slug, defaults={"name": uz, "name_ru": ru, "name_en": en, "position": position}
                )[0]
                for position, (slug, uz, ru, en) in enumerate(SECTIONS, start=1)
            }
            self.authors = {
                language: [self.author(name, position) for name, position in people]
                for language, people in AUTHORS.items()
            }
            self.interviewees = iter(INTERVIEWEES)
            index = 0
            for number, (row, articles) in enumerate(zip(ISSUES, ARTICLES, strict=True)):
                issue = self.issue(row, color=PALETTE[number % len(PALETTE)], is_published=row != ISSUES[-1])
                # The table's date, not issue.published_on: an issue made by hand may have none.
                online = timezone.make_aware(datetime.combine(date(row[0], *row[3]), time(9)))
                for position, article in enumerate(articles, start=1):
                    publish_at = online + timedelta(minutes=position)
                    self.article(article, index=index, issue=issue, position=position, publish_at=publish_at)
                    index += 1
            for article in WEB_ONLY:
                publish_at = self.now + timedelta(days=article[3]["days"])
                self.article(article, index=index, issue=None, position=0, publish_at=publish_at)
                index += 1
            Contacts.objects.update_or_create(pk=1, defaults=CONTACTS)
            password = os.environ.get("DEMO_EDITOR_PASSWORD") or DEFAULT_PASSWORD
            device = self.editor(password)
        self.report(password, device)

    def author(self, name, position):
        person = Author.objects.get_or_create(
            slug=slug_for(name), defaults={"name": name, "position": position}
        )[0]
        if not person.bio:  # people seeded before they had bios get one too
            person.bio, person.bio_ru, person.bio_en = (text.format(name=name) for text in BIO)
            person.save(update_fields=["bio", "bio_ru", "bio_en"])
        return person

    def issue(self, row, *, color, is_published):
        year, first, last, (month, day), *themes = row
        texts = {
            "number_last": last,
            "published_on": date(year, month, day),
            "is_published": is_published,
            "price": "25 000 so'm",
        }
        for suffix, theme in zip(["", "_ru", "_en"], themes, strict=True):
            texts[f"theme{suffix}"] = theme
            texts[f"description{suffix}"] = EDITORS_NOTE[suffix].format(theme)
            texts[f"where_to_buy{suffix}"] = WHERE_TO_BUY[suffix]
        issue, _ = Issue.objects.get_or_create(year=year, number_first=first, defaults=texts)
        if not issue.cover:
            issue.cover.save(f"cover-{year}-{issue.numbers}.jpg", draw_cover(issue, color), save=False)
            issue.cover_alt = f"«Regional Security» {issue.label} soni muqovasi: {issue.theme}"
            issue.save()
        return issue

    def article(self, row, *, index, issue, position, publish_at):
        """Create the article of `row` with its blocks, tags, authors and cover, unless it exists."""
        section, title, lead, extra = row if len(row) == 4 else (*row, {})
        language, draft = extra.get("language", "uz"), extra.get("draft", False)
        interview = section == "interview"
        print_first = extra.get("print_first", index % 3 == 1)
        defaults = {
            "issue": issue,
            "section": self.sections[section],
            "position": position,
            "language": language,
            "title": title,
            "lead": lead,
            "status": Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
            "publish_at": None if draft else publish_at,
            "access": Article.Access.PRINT_FIRST if print_first else Article.Access.FREE,
            "public_block_count": 2 + (index // 3) % 3,
            "is_sponsored": extra.get("is_sponsored", False),
        }
        if interview:
            defaults["interviewee_name"], defaults["interviewee_position"] = next(self.interviewees)
            defaults["interviewee"] = self.author(
                defaults["interviewee_name"], defaults["interviewee_position"]
            )
        if "translation_of" in extra:
            original = Article.objects.filter(slug=slug_for(extra["translation_of"], max_length=200)).first()
            defaults["translation_of"] = original
            if original is not None:  # a translation must not give away what the original holds back
                defaults["access"] = original.access
                defaults["public_block_count"] = original.public_block_count
        article, created = Article.objects.get_or_create(
            slug=slug_for(title, max_length=200), defaults=defaults
        )
        if not created:
            if interview and article.interviewee_id is None:  # seeded before interviewees were people
                Article.objects.filter(pk=article.pk).update(interviewee=defaults["interviewee"])
            return
        self.created += 1
        rng = random.Random(f"{SEED}-{title}")
        content = article_blocks(
            rng, index, language, interview=interview, image="image" in extra, link="is_sponsored" in extra
        )
        blocks = []
        for number, (kind, body, caption) in enumerate(content, start=1):
            block = ArticleBlock(article=article, position=number, kind=kind, body=body, caption=caption)
            if kind == ArticleBlock.Kind.IMAGE:
                block.image_alt = IMAGE_ALT
                block.image.save("scheme.jpg", draw_illustration(f"block-{title}", PALETTE[2]), save=False)
            blocks.append(block)
        # One insert instead of a save (and a search reindex) per block; adding the tags and authors
        # below sends m2m_changed, which indexes the finished article.
        ArticleBlock.objects.bulk_create(blocks)
        article.tags.add(*extra.get("tags") or rng.sample(SECTION_TAGS[section], 2))
        article.authors.add(*rng.sample(self.authors[language], 1 if interview or language != "uz" else 2))
        if issue is not None and issue.year == 2025 and position == 1:
            label = self.sections[section].name_en.upper()
            article.cover.save("cover.jpg", draw_illustration(title, PALETTE[index % 7], label), save=False)
            article.cover_alt = "Maqola uchun mavhum illyustratsiya: rangli halqalar va egri chiziq"
            article.save()

    def editor(self, password):
        user, _ = User.objects.get_or_create(
            username=EDITOR_USERNAME, defaults={"first_name": "Demo", "last_name": "Editor"}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)  # every run, so the credentials printed below always work
        user.save()
        user.groups.add(Group.objects.get(name="Editors"))
        return self.authenticator(user)

    def authenticator(self, user):
        """The editor's TOTP secret: DEMO_EDITOR_TOTP_SECRET (base32), else the one already set, else new."""
        secret = "".join(os.environ.get("DEMO_EDITOR_TOTP_SECRET", "").split()).upper()
        device = TOTPDevice.objects.filter(user=user, name=DEMO_AUTHENTICATOR).first()
        key = b32decode(secret + "=" * (-len(secret) % 8)).hex() if secret else None
        if device is None:
            return TOTPDevice.objects.create(user=user, name=DEMO_AUTHENTICATOR, key=key or random_hex(20))
        if key and device.key != key:
            device.key = key
            device.save(update_fields=["key"])
        return device

    def report(self, password, device):
        counts = {
            "issues": Issue.objects.count(),
            "sections": Section.objects.count(),
            "articles": Article.objects.count(),
            "visible articles": Article.objects.published().count(),
            "authors": Author.objects.count(),
            "tags": Tag.objects.count(),
        }
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo magazine ready: {summary} ({self.created} articles new).")
        )
        self.stdout.write(f"Editor: username {EDITOR_USERNAME!r}, password {password!r}")
        secret = b32encode(unhexlify(device.key)).decode().rstrip("=")
        self.stdout.write(
            f"Second factor (authenticator app, TOTP): secret {secret}\n"
            f"  add it to any authenticator app, or print the current code with: make demo-code"
        )
        self.stdout.write(f"Site:  {SITE_URL}\nAdmin: {SITE_URL}admin/")
