"""The demo's knowledge base: three categories and fifteen articles in English, Russian, Polish
and Czech, some public, some for customers, some internal, one draft. Created through the
service (so each has its first version); what exists is left alone."""

from accounts.models import AccessGroup
from faq.models import Article, Category
from faq.services import ArticleInput, save_article

# slug, name, parent slug, editor groups
CATEGORIES = [
    ("it", "IT and devices", None, ["IT", "2nd level"]),
    ("printers", "Printers", "it", ["IT", "2nd level"]),
    ("accounts", "Accounts and access", None, ["2nd level"]),
    ("hr", "HR and payroll", None, ["HR"]),
]

P = "<p>{}</p>"


def _steps(*items: str) -> str:
    return "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>"


# topic: (category, state, keywords, {language: (slug, title, problem, solution)})
ARTICLES = {
    "printer": (
        "printers",
        "public",
        "printer blank pages toner",
        {
            "en": (
                "printer-prints-blank-pages",
                "The printer prints blank pages",
                P.format("Pages come out of the printer empty, although the job looks fine on screen."),
                _steps(
                    "Open the front cover and take out the toner cartridge.",
                    "Remove the <b>orange protective strip</b> if the cartridge is new.",
                    "Shake the cartridge gently, put it back and print a test page.",
                )
                + P.format("Still blank? Open a request and tell us the printer's name on its label."),
            ),
            "ru": (
                "printer-prints-blank-pages",
                "Принтер печатает пустые страницы",
                P.format("Страницы выходят из принтера пустыми, хотя на экране документ выглядит нормально."),
                _steps(
                    "Откройте переднюю крышку и выньте картридж.",
                    "Если картридж новый, снимите <b>оранжевую защитную ленту</b>.",
                    "Слегка встряхните картридж, вставьте его обратно и напечатайте тестовую страницу.",
                )
                + P.format("Всё ещё пусто? Создайте заявку и укажите имя принтера с наклейки."),
            ),
            "pl": (
                "drukarka-drukuje-puste-strony",
                "Drukarka drukuje puste strony",
                P.format("Strony wychodzą z drukarki puste, choć dokument na ekranie wygląda dobrze."),
                _steps(
                    "Otwórz przednią pokrywę i wyjmij kasetę z tonerem.",
                    "Jeśli kaseta jest nowa, zdejmij <b>pomarańczową taśmę ochronną</b>.",
                    "Delikatnie potrząśnij kasetą, włóż ją z powrotem i wydrukuj stronę testową.",
                )
                + P.format("Nadal pusto? Złóż zgłoszenie i podaj nazwę drukarki z naklejki."),
            ),
            "cs": (
                "tiskarna-tiskne-prazdne-stranky",
                "Tiskárna tiskne prázdné stránky",
                P.format("Z tiskárny vycházejí prázdné stránky, i když dokument na obrazovce vypadá v pořádku."),
                _steps(
                    "Otevřete přední kryt a vyjměte tonerovou kazetu.",
                    "Pokud je kazeta nová, odstraňte <b>oranžovou ochrannou pásku</b>.",
                    "Kazetou jemně zatřeste, vložte ji zpět a vytiskněte zkušební stránku.",
                )
                + P.format("Stále prázdné? Založte požadavek a uveďte název tiskárny ze štítku."),
            ),
        },
    ),
    "vpn": (
        "it",
        "customers",
        "vpn disconnects home office",
        {
            "en": (
                "vpn-keeps-disconnecting",
                "The VPN keeps disconnecting",
                P.format("Working from home, the VPN drops every few minutes and asks for the password again."),
                P.format("Install VPN client <b>5.2</b> or newer from the Software Center and restart the laptop.")
                + P.format("On a home Wi-Fi, connect to the 5 GHz network when your router offers one."),
            ),
            "ru": (
                "vpn-keeps-disconnecting",
                "VPN постоянно отключается",
                P.format("При работе из дома VPN обрывается каждые несколько минут и снова просит пароль."),
                P.format(
                    "Установите VPN-клиент версии <b>5.2</b> или новее из Software Center и перезагрузите ноутбук."
                )
                + P.format("Дома подключайтесь к сети Wi-Fi 5 ГГц, если роутер её предлагает."),
            ),
            "pl": (
                "vpn-ciagle-sie-rozlacza",
                "VPN ciągle się rozłącza",
                P.format("Podczas pracy z domu VPN zrywa się co kilka minut i ponownie prosi o hasło."),
                P.format(
                    "Zainstaluj klienta VPN w wersji <b>5.2</b> lub nowszej z Software Center "
                    "i uruchom ponownie laptopa."
                )
                + P.format("W domowym Wi-Fi łącz się z siecią 5 GHz, jeśli router ją oferuje."),
            ),
            "cs": (
                "vpn-se-stale-odpojuje",
                "VPN se stále odpojuje",
                P.format("Při práci z domova se VPN každých pár minut odpojí a znovu žádá heslo."),
                P.format(
                    "Nainstalujte VPN klienta verze <b>5.2</b> nebo novější ze Software Center a restartujte notebook."
                )
                + P.format("Doma se připojujte k Wi-Fi síti 5 GHz, pokud ji router nabízí."),
            ),
        },
    ),
    "password": (
        "accounts",
        "public",
        "password expired reset login",
        {
            "en": (
                "reset-an-expired-password",
                "How to reset an expired password",
                P.format("You cannot sign in because your password has expired."),
                _steps(
                    "Open the self-service portal from any phone or computer.",
                    "Choose <i>Forgot password</i> and enter your work email address.",
                    "Type the code we send by SMS and choose a new password (12 characters or more).",
                ),
            ),
            "ru": (
                "reset-an-expired-password",
                "Как сбросить просроченный пароль",
                P.format("Вы не можете войти, потому что срок действия пароля истёк."),
                _steps(
                    "Откройте портал самообслуживания с телефона или компьютера.",
                    "Выберите <i>Забыли пароль</i> и введите рабочий адрес электронной почты.",
                    "Введите код из SMS и задайте новый пароль (не короче 12 символов).",
                ),
            ),
            "pl": (
                "reset-wygaslego-hasla",
                "Jak zresetować wygasłe hasło",
                P.format("Nie możesz się zalogować, ponieważ Twoje hasło wygasło."),
                _steps(
                    "Otwórz portal samoobsługowy z telefonu lub komputera.",
                    "Wybierz <i>Nie pamiętam hasła</i> i podaj służbowy adres e-mail.",
                    "Wpisz kod z SMS-a i ustaw nowe hasło (co najmniej 12 znaków).",
                ),
            ),
        },
    ),
    "payroll": (
        "hr",
        "internal",
        "payroll overtime cut-off",
        {
            "en": (
                "overtime-after-the-payroll-cut-off",
                "Overtime approved after the payroll cut-off",
                P.format("An employee's approved overtime is missing from the payslip."),
                P.format(
                    "Approvals after the 25th go into the next month's payroll. Tell the employee the date; "
                    "do not correct the payslip by hand."
                ),
            ),
            "cs": (
                "prescasy-po-uzaverce-mezd",
                "Přesčasy schválené po uzávěrce mezd",
                P.format("Zaměstnanci chybí na výplatní pásce schválené přesčasy."),
                P.format(
                    "Schválení po 25. dni se zpracují ve mzdách dalšího měsíce. Sdělte zaměstnanci datum; "
                    "výplatní pásku ručně neopravujte."
                ),
            ),
        },
    ),
    "laptop": (
        "it",
        "internal",
        "laptop onboarding setup",
        {
            "en": (
                "preparing-a-laptop-for-a-new-colleague",
                "Preparing a laptop for a new colleague",
                P.format("A new colleague starts on Monday and needs a laptop."),
                _steps(
                    "Take a laptop from the <b>ready</b> shelf and enrol it in device management.",
                    "Sign in once with the colleague's account so the profile is created.",
                    "Check the VPN client version (5.2 or newer) and the printer driver.",
                ),
            ),
        },
    ),
    "guest-wifi": (
        "it",
        "draft",
        "wifi guest visitor",
        {
            "en": (
                "guest-wi-fi-for-visitors",
                "Guest Wi-Fi for visitors",
                P.format("A visitor asks for internet access."),
                P.format("Reception prints a one-day voucher for the <i>Guest</i> network."),
            ),
        },
    ),
}


def load_faq() -> int:
    """Create the demo categories and articles that are missing; the number of articles created."""
    for slug, name, parent, groups in CATEGORIES:
        category, created = Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "parent": Category.objects.filter(slug=parent).first()},
        )
        if created:
            category.editor_groups.set(AccessGroup.objects.filter(name__in=groups))
    created = 0
    for category_slug, state, keywords, versions in ARTICLES.values():
        category = Category.objects.get(slug=category_slug)
        original = None
        for language, (slug, title, problem, solution) in versions.items():
            article = Article.objects.filter(language=language, slug=slug).first()
            if article is None:
                data = ArticleInput(
                    category=category,
                    slug=slug,
                    language=language,
                    title=title,
                    problem=problem,
                    solution=solution,
                    keywords=keywords,
                    state=state,
                    translation_of=original,
                )
                article = save_article(editor=None, data=data)
                created += 1
            original = original or article
    return created
