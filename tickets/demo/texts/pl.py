"""Polish demo conversations."""

SCENARIOS = {
    "printer": (
        "Drukarka na 2. piętrze drukuje puste strony",
        "Dzień dobry,\n\nod rana drukarka HP LaserJet przy kuchni na drugim piętrze drukuje tylko puste "
        "strony. Wyłączyłem ją i włączyłem ponownie. Czy ktoś mógłby to sprawdzić? Dziś musimy wysłać umowy.",
        "Dzień dobry,\n\ndziękujemy za zgłoszenie. Toner był pusty, choć wyświetlacz tego nie pokazywał. "
        "Wymieniliśmy go i wydrukowaliśmy stronę testową. Prosimy spróbować ponownie.",
    ),
    "vpn": (
        "VPN rozłącza się co kilka minut",
        "Cześć,\n\ngdy pracuję z domu, połączenie VPN zrywa się co 5–10 minut i muszę logować się od nowa. "
        "Zaczęło się po aktualizacji Windows w zeszłym tygodniu. Koledzy z zespołu nie mają tego problemu.",
        "Cześć,\n\nmasz starą wersję klienta VPN, która źle współpracuje z najnowszą aktualizacją Windows. "
        "Zainstaluj proszę wersję 5.2 z Centrum oprogramowania i uruchom ponownie laptopa.",
    ),
    "password": (
        "Hasło wygasło, nie mogę się zalogować",
        "Dzień dobry,\n\nw weekend wygasło mi hasło i teraz nie mogę zalogować się ani do komputera, ani do "
        "poczty. Piszę z telefonu. Czy mogą Państwo je zresetować?",
        "Dzień dobry,\n\nzresetowaliśmy hasło. Hasło tymczasowe zostało wysłane SMS-em; przy pierwszym "
        "logowaniu system poprosi o ustawienie nowego.",
    ),
    "payroll": (
        "Brak nadgodzin na pasku wypłaty",
        "Szanowni Państwo,\n\nna moim pasku za zeszły miesiąc brakuje 12 nadgodzin przepracowanych podczas "
        "inwentaryzacji. Kierownik zatwierdził je w systemie 28. dnia miesiąca. Proszę o sprawdzenie.",
        "Dzień dobry,\n\nzatwierdzenie wpłynęło po zamknięciu listy płac. Nadgodziny zostaną wypłacone razem "
        "z wynagrodzeniem za bieżący miesiąc jako osobna pozycja.",
    ),
    "heating": (
        "Brak ogrzewania w sali konferencyjnej „Dąb”",
        "Dzień dobry,\n\nkaloryfery w sali „Dąb” są zimne, w środku jest tylko 16 stopni. Jutro rano mamy tam "
        "warsztaty z klientem.",
        "Dzień dobry,\n\npo przeglądzie w zeszłym tygodniu zawór obiegu grzewczego pozostał zamknięty. "
        "Technik go otworzył; w ciągu dwóch godzin w sali zrobi się ciepło.",
    ),
    "invoice": (
        "Błędny NIP na fakturze",
        "Dzień dobry,\n\nna fakturze za roczną licencję widnieje nasz stary NIP. Księgowość nie może jej "
        "zaksięgować. Prosimy o przesłanie faktury korygującej.",
        "Dzień dobry,\n\nprzepraszamy za pomyłkę. Zaktualizowaliśmy dane firmy i przesyłamy fakturę "
        "korygującą; pierwotna faktura została anulowana.",
    ),
    "laptop": (
        "Laptop dla nowego pracownika od poniedziałku",
        "Cześć,\n\nw poniedziałek do działu sprzedaży dołącza nowa koleżanka, Zofia Wójcik. Potrzebuje "
        "laptopa ze standardową konfiguracją, słuchawek i dostępu do CRM.",
        "Cześć,\n\nlaptop jest przygotowany, konta założone. Zofia może odebrać sprzęt w dziale IT w "
        "poniedziałek od 8:30; hasło początkowe przekażemy osobiście.",
    ),
    "email": (
        "Skrzynka pełna, nie mogę wysyłać wiadomości",
        "Dzień dobry,\n\nOutlook informuje, że skrzynka jest pełna i nie mogę wysyłać wiadomości. Usunąłem "
        "już stare maile, ale komunikat nadal się pojawia.",
        "Dzień dobry,\n\nwłączyliśmy archiwum online dla Pana skrzynki: wiadomości starsze niż dwa lata "
        "zostaną tam przeniesione dziś w nocy. Do tego czasu zwiększyliśmy limit, wysyłanie znów działa.",
    ),
}
# A customer who writes again before anyone answered (the new ticket is merged into the first).
REMINDER = (
    "Piszę ponownie w sprawie mojego dzisiejszego zgłoszenia: "
    "problem nadal nie jest rozwiązany, a sprawa robi się pilna. Czy mogą Państwo podać aktualny status?"
)

FOLLOW_UPS = [
    "Dziękuję za szybką odpowiedź. Niestety po południu problem wrócił.",
    "Próbowałem, ale nadal nie działa. Czy mogą Państwo zadzwonić? Mój numer wewnętrzny to 2417.",
    "Jeszcze jedno pytanie: czy dotyczy to również koleżanek i kolegów z mojego działu?",
    "Przepraszam za opóźnienie, byłem na urlopie. Sprawdzę jutro rano.",
    "W załączniku przesyłam zrzut ekranu z komunikatem błędu.",
]
THANKS = [
    "Teraz wszystko działa, bardzo dziękuję!",
    "Wszystko znów w porządku. Dziękuję za pomoc, zgłoszenie można zamknąć.",
    "Świetnie, dziękuję. Miłego dnia!",
]
AGENT_REPLIES = [
    "Czy może Pan/Pani opisać, kiedy dokładnie pojawia się problem i czy wyświetla się komunikat błędu?",
    "Nadal pracujemy nad zgłoszeniem i odezwiemy się najpóźniej jutro.",
    "Przekazaliśmy zgłoszenie specjalistom drugiej linii; wkrótce się z Państwem skontaktują.",
    "Prosimy spróbować ponownie, wprowadziliśmy zmianę po naszej stronie.",
]
NOTES = [
    "Dzwoniłem do klienta, nie odebrał. Spróbuję ponownie po południu.",
    "Sprawdziłem logi: ten sam błąd u trzech innych użytkowników od wtorku.",
    "Otwarte zgłoszenie u producenta, numer 48213.",
    "Zamówiona część zamienna, dostawa spodziewana w czwartek.",
    "Znany problem, zob. powiązane zgłoszenie. Zastosowano obejście.",
]
SIGN_OFF = "Pozdrawiam serdecznie,"
