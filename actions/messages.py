"""The bot's own sentences in Polish, Ukrainian and English (description passages stay Polish)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "greet": {
        "pl": "Dzień dobry! Jestem doradcą zawodowym urzędu pracy. Zapytaj o dowolny zawód, np. „Co musi wiedzieć "
              "specjalista do spraw mediów interaktywnych?” albo „Czym zajmuje się spawacz?”.",
        "uk": "Добрий день! Я консультант з професій бюро праці. Запитайте про будь-яку професію, "
              "наприклад: «Що робить електрик?».",
        "en": "Hello! I am the labour office's career assistant. Ask about any occupation, e.g. "
              "“What does an electrician do?”.",
    },
    "goodbye": {
        "pl": "Do widzenia i powodzenia w poszukiwaniu pracy!",
        "uk": "До побачення і успіхів у пошуку роботи!",
        "en": "Goodbye and good luck with your job search!",
    },
    "thank": {
        "pl": "Proszę bardzo! Możesz zapytać o kolejny zawód.",
        "uk": "Будь ласка! Можете запитати про іншу професію.",
        "en": "You're welcome! Feel free to ask about another occupation.",
    },
    "capabilities": {
        "pl": "Odpowiadam na podstawie oficjalnych opisów zawodów (INFOdoradca+, Klasyfikacja zawodów i specjalności, "
              "ESCO): czym zajmuje się osoba w danym zawodzie, co musi wiedzieć i umieć, jakie kompetencje społeczne "
              "i kluczowe są ważne. Mogę też wskazać zawody związane z czymś, co lubisz (np. „w jakim zawodzie pracuje "
              "się z blogerami?”). Napisz „więcej”, by zobaczyć kolejne fragmenty, albo „doradca”, by dostać kontakt "
              "do doradcy zawodowego.",
        "uk": "Я відповідаю на основі офіційних описів професій (польською мовою): чим займається працівник, що "
              "він повинен знати й уміти, які компетенції важливі. Напишіть «ще», щоб побачити більше, або "
              "«консультант», щоб отримати контакт.",
        "en": "I answer from the official Polish occupation descriptions: what a job involves, what one must know and "
              "be able to do, which social and key competences matter. Write “more” to see further passages or "
              "“counsellor” for a human contact.",
    },
    "out_of_scope": {
        "pl": "Przepraszam, w tym nie pomogę – odpowiadam na pytania o zawody: zadania, wymaganą wiedzę i "
              "umiejętności. Zapytaj np. „Czym zajmuje się fryzjer?”. W innych sprawach pomoże doradca urzędu.",
        "uk": "Вибачте, з цим я не допоможу – я відповідаю на питання про професії. Запитайте, наприклад: "
              "«Що робить електрик?». З іншими питаннями допоможе консультант бюро.",
        "en": "Sorry, I can't help with that – I answer questions about occupations: tasks, knowledge and skills. "
              "Try “What does an electrician do?”. For anything else the office's counsellor can help.",
    },
    "contact": {
        "pl": "Kontakt z doradcą zawodowym: {name}\nTelefon: {phone}\nE-mail: {email}\nGodziny: {hours}{address}",
        "uk": "Контакт консультанта: {name}\nТелефон: {phone}\nE-mail: {email}\nГодини: {hours}{address}",
        "en": "Counsellor contact: {name}\nPhone: {phone}\nE-mail: {email}\nHours: {hours}{address}",
    },
    "which_occupation": {
        "pl": "O jaki zawód chodzi? Napisz jego nazwę, np. „kucharz” albo „specjalista do spraw kadr”.",
        "uk": "Про яку професію йдеться? Напишіть її назву.",
        "en": "Which occupation do you mean? Please write its name.",
    },
    "choose": {
        "pl": "Nazwa „{words}” pasuje do kilku zawodów. Który masz na myśli?",
        "uk": "Назва «{words}» підходить до кількох професій. Яку саме ви маєте на увазі?",
        "en": "“{words}” fits several occupations. Which one do you mean?",
    },
    "unknown_occupation_none": {
        "pl": "Nie znam takiego zawodu w opisach, z których korzystam. Napisz inną nazwę albo porozmawiaj z doradcą.",
        "uk": "Я не знаю такої професії в описах, якими користуюся. Напишіть іншу назву або зверніться до консультанта.",
        "en": "I don't know that occupation in the descriptions I use. Try another name or talk to a counsellor.",
    },
    "unknown_occupation": {
        "pl": "Nie znam takiego zawodu w opisach, z których korzystam. Może chodzi o jeden z tych?",
        "uk": "Я не знаю такої професії в описах, якими користуюся. Можливо, йдеться про одну з цих?",
        "en": "I don't know that occupation in the descriptions I use. Perhaps one of these?",
    },
    "no_answer": {
        "pl": "W opisie zawodu {name} ({code}) nie ma informacji na ten temat. Mogę pokazać, co opis zawiera "
              "(zapytaj o zadania, wiedzę lub umiejętności), albo podać kontakt do doradcy zawodowego.",
        "uk": "В описі професії {name} ({code}) немає інформації на цю тему. Запитайте про завдання, знання чи "
              "навички або зверніться до консультанта.",
        "en": "The description of {name} ({code}) has no information on that. Ask about its tasks, knowledge or "
              "skills, or contact a counsellor.",
    },
    "more_hint": {
        "pl": "Napisz „więcej”, aby zobaczyć kolejne fragmenty.",
        "uk": "Напишіть «ще», щоб побачити наступні фрагменти.",
        "en": "Write “more” to see further passages.",
    },
    "no_more": {
        "pl": "To już wszystkie fragmenty opisu pasujące do pytania.",
        "uk": "Це всі фрагменти опису, що відповідають питанню.",
        "en": "Those are all the passages that match the question.",
    },
    "nothing_to_continue": {
        "pl": "Najpierw zapytaj o jakiś zawód, np. „Co robi piekarz?”.",
        "uk": "Спершу запитайте про професію, наприклад: «Що робить пекар?».",
        "en": "First ask about an occupation, e.g. “What does a baker do?”.",
    },
    "found_in": {
        "pl": "Zawody, w których opisie pojawia się ten temat:",
        "uk": "Професії, в описі яких є ця тема:",
        "en": "Occupations whose descriptions mention this:",
    },
    "found_none": {
        "pl": "Nie znalazłem zawodów pasujących do tego opisu. Spróbuj innymi słowami albo skontaktuj się z doradcą.",
        "uk": "Я не знайшов професій, що відповідають опису. Спробуйте інакше або зверніться до консультанта.",
        "en": "I found no occupations matching that. Try other words or contact a counsellor.",
    },
    "polish_note": {
        "pl": "",
        "uk": "(Описи професій доступні лише польською мовою.)",
        "en": "(The occupation descriptions are available in Polish only.)",
    },
    "bad_question": {
        "pl": "Nie rozumiem tej wiadomości. Zapytaj o zawód, np. „Czym zajmuje się elektryk?”.",
        "uk": "Я не розумію цього повідомлення. Запитайте про професію.",
        "en": "I don't understand that message. Please ask about an occupation.",
    },
    "error": {
        "pl": "Przepraszam, mam chwilowy problem techniczny. Spróbuj ponownie za chwilę.",
        "uk": "Вибачте, тимчасова технічна проблема. Спробуйте ще раз трохи пізніше.",
        "en": "Sorry, I have a temporary technical problem. Please try again in a moment.",
    },
    "no_section": {
        "pl": "Opis zawodu {name} nie ma osobnej części „{wanted}”; pokazuję: {shown}.",
        "uk": "Опис професії {name} не має окремої частини «{wanted}»; показую: {shown}.",
        "en": "The description of {name} has no separate part “{wanted}”; showing: {shown}.",
    },
    "compare_which": {
        "pl": "Podaj dwa zawody do porównania, np. „porównaj piekarza i kucharza” albo „porównaj 243108 i 351403”.",
        "uk": "Назвіть дві професії для порівняння, наприклад: «порівняй пекаря і кухаря».",
        "en": "Name two occupations to compare, e.g. “compare a baker and a cook”.",
    },
    "no_training": {
        "pl": "Opis zawodu {name} ({code}) nie mówi, jakie wykształcenie ani jakie kursy są potrzebne. Szkołę lub kurs "
              "pomoże dobrać doradca zawodowy urzędu.",
        "uk": "Опис професії {name} ({code}) не вказує, яка освіта чи які курси потрібні. Школу або курс допоможе "
              "підібрати консультант бюро праці.",
        "en": "The description of {name} ({code}) does not say which education or courses are needed. The office's "
              "counsellor can help you choose a school or a course.",
    },
    "out_offers": {
        "pl": "Opisy zawodów, z których korzystam, nie zawierają ofert pracy{about}. Aktualne oferty: {url} – w ich "
              "szukaniu pomoże też doradca urzędu.",
        "uk": "Описи професій, якими я користуюся, не містять вакансій{about}. Актуальні вакансії: {url} – з пошуком "
              "допоможе також консультант бюро.",
        "en": "The occupation descriptions I use contain no job offers{about}. Current offers: {url} – the office's "
              "counsellor can also help you search.",
    },
    "out_salary": {
        "pl": "Opisy zawodów, z których korzystam, nie podają zarobków{about}, więc nie odpowiem na to pytanie. "
              "O wynagrodzeniach w regionie powie doradca urzędu.",
        "uk": "Описи професій, якими я користуюся, не вказують заробітків{about}, тому я не відповім на це питання. "
              "Про зарплати в регіоні розповість консультант бюро.",
        "en": "The occupation descriptions I use give no salaries{about}, so I cannot answer that. The office's "
              "counsellor can tell you about pay in the region.",
    },
}

# Inserted into out_offers / out_salary when the question named an occupation.
ABOUT = {"pl": " (także dla zawodu {name})", "uk": " (зокрема для професії {name})", "en": " (including for {name})"}

# What a reply shows, for its header ("Sprzedawca (KZiS 522301) – zadania zawodowe:").
SECTION_TITLES: dict[str | None, dict[str, str]] = {
    "knowledge": {"pl": "co trzeba wiedzieć", "uk": "необхідні знання", "en": "what one must know"},
    "skill": {"pl": "co trzeba umieć", "uk": "необхідні вміння", "en": "what one must be able to do"},
    "task": {"pl": "zadania zawodowe", "uk": "професійні завдання", "en": "tasks"},
    "social_competence": {"pl": "kompetencje społeczne", "uk": "соціальні компетенції", "en": "social competences"},
    "key_competence": {"pl": "kompetencje kluczowe", "uk": "ключові компетенції", "en": "key competences"},
    "overview": {"pl": "opis zawodu", "uk": "опис професії", "en": "overview"},
    "esco_skill": {"pl": "umiejętności według ESCO", "uk": "навички за ESCO", "en": "skills according to ESCO"},
    "training": {"pl": "wymagania i kształcenie", "uk": "вимоги та навчання", "en": "requirements and training"},
    "labour_market": {"pl": "rynek pracy", "uk": "ринок праці", "en": "labour market"},
    "disability": {"pl": "praca osób z niepełnosprawnością", "uk": "робота людей з інвалідністю",
                   "en": "work of people with disabilities"},
    None: {"pl": "fragmenty opisu pasujące do pytania", "uk": "фрагменти опису до питання",
           "en": "passages matching the question"},
}
# One passage's section, in labels and the source line.
SECTION_NAMES: dict[str, dict[str, str]] = {
    "overview": {"pl": "opis zawodu", "uk": "опис професії", "en": "overview"},
    "task": {"pl": "zadania zawodowe", "uk": "професійні завдання", "en": "tasks"},
    "knowledge": {"pl": "wiedza", "uk": "знання", "en": "knowledge"},
    "skill": {"pl": "umiejętności", "uk": "вміння", "en": "skills"},
    "social_competence": {"pl": "kompetencje społeczne", "uk": "соціальні компетенції", "en": "social competences"},
    "key_competence": {"pl": "kompetencje kluczowe", "uk": "ключові компетенції", "en": "key competences"},
    "esco_skill": {"pl": "umiejętności ESCO", "uk": "навички ESCO", "en": "ESCO skills"},
    "labour_market": {"pl": "rynek pracy", "uk": "ринок праці", "en": "labour market"},
    "training": {"pl": "kształcenie", "uk": "навчання", "en": "training"},
    "disability": {"pl": "niepełnosprawność", "uk": "інвалідність", "en": "disability"},
}


def label(texts: dict[str, str], lang: str) -> str:
    """A text in the user's language, Polish when there is none."""
    return texts.get(lang, texts["pl"])


def say(key: str, lang: str, **values: str) -> str:
    return label(MESSAGES[key], lang).format(**values)
