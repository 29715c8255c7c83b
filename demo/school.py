"""The demo trust's frame: the trust, its two schools, their school years and terms, and their staff.

Used by the ``seed_demo`` command and the benchmark. Everything is drawn from ``random.Random`` streams
seeded from the demo seed, so one seed always gives the same trust; the only input besides the seed is
today's date, which decides the current academic year. The pupils, classes and families of the demo are
made by ``demo.pupils`` on top of the frame returned here.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from provision.calendar import HALF_TERM_NAMES
from provision.models import AcademicYear, Closure, ClosureKind, Membership, Phase, Role, School, Term, TermName, Trust
from provision.school_days import bank_holidays_between, suggested_half_term

DEMO_TRUST_NAME = "Riverside Learning Trust"
DEMO_PASSWORD = "provision-demo"
PRIMARY = "primary"
SECONDARY = "secondary"
BATCH_SIZE = 2000


class DemoError(Exception):
    """The demo cannot be created as asked (it exists already, or a name it needs is taken)."""


# --- The schools --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolSpec:
    """A demo school. ``la_code`` and ``establishment`` make its DfE number (LA/establishment), used in UPNs."""

    key: str
    name: str
    urn: str
    phase: str
    lowest_year: int
    highest_year: int
    la_code: str
    establishment: str
    email_domain: str


DEMO_SCHOOLS: tuple[SchoolSpec, ...] = (
    SchoolSpec(
        key=PRIMARY,
        name="Hazel Grove Primary School",
        urn="148213",
        phase=Phase.PRIMARY,
        lowest_year=0,
        highest_year=6,
        la_code="881",
        establishment="2417",
        email_domain="hazelgrove.sch.invalid",
    ),
    SchoolSpec(
        key=SECONDARY,
        name="Kingsmead Academy",
        urn="147906",
        phase=Phase.SECONDARY,
        lowest_year=7,
        highest_year=11,
        la_code="881",
        establishment="4032",
        email_domain="kingsmead.sch.invalid",
    ),
)
SCHOOL_SPECS = {spec.key: spec for spec in DEMO_SCHOOLS}


# --- The accounts people sign in with -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    """A named demo account; ``posts`` are (school key, role, job title)."""

    username: str
    first_name: str
    last_name: str
    posts: tuple[tuple[str, str, str], ...]


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("senco", "Rachel", "Adeyemi", ((PRIMARY, Role.SENCO, "SENCO and assistant headteacher"),)),
    DemoLogin("teacher", "Tom", "Whitfield", ((PRIMARY, Role.TEACHER, "Class teacher, Year 4"),)),
    DemoLogin("tutor", "Aisha", "Rahman", ((PRIMARY, Role.TA, "Teaching assistant and reading tutor"),)),
    DemoLogin("leader", "Gareth", "Lloyd", ((PRIMARY, Role.LEADER, "Headteacher"),)),
    DemoLogin("admin", "Karen", "Doyle", ((PRIMARY, Role.ADMIN, "School business manager"),)),
    DemoLogin("senco2", "Daniel", "Byrne", ((SECONDARY, Role.SENCO, "SENCO"),)),
    DemoLogin(
        "trust",
        "Margaret",
        "Chen",
        (
            (PRIMARY, Role.LEADER, "Trust director of inclusion"),
            (SECONDARY, Role.LEADER, "Trust director of inclusion"),
        ),
    ),
)
# The parent account is made with the pupils (it is a guardian, not staff): see demo.pupils.
PARENT_USERNAME = "parent"
DEMO_USERNAMES: tuple[str, ...] = tuple(login.username for login in DEMO_LOGINS) + (PARENT_USERNAME,)


# --- Names --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    """Names from one background. A surname written "Kowalski|Kowalska" has a male and a female form.

    ``eal_rate`` is how likely a family from this background is to speak a language other than English
    at home (it weights the choice of EAL pupils); ``weight`` is its share of families.
    """

    weight: float
    eal_rate: float
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]
    women: tuple[str, ...] = ()
    men: tuple[str, ...] = ()


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


NAME_POOLS: dict[str, NamePool] = {
    "british": NamePool(
        weight=0.50,
        eal_rate=0.01,
        girls=_names(
            "Olivia, Amelia, Isla, Ava, Ivy, Freya, Lily, Florence, Mia, Willow, Rosie, Sophia, Isabella, Grace, "
            "Daisy, Sienna, Poppy, Elsie, Emily, Ella, Evelyn, Phoebe, Evie, Charlotte, Harper, Millie, Matilda, "
            "Ruby, Maisie, Alice, Zoë, Chloe, Jessica, Lucy, Holly, Erin, Imogen, Megan, Hannah, Bethany, Kayla, "
            "Leah, Harriet, Eliza, Lottie, Esmé, Mollie, Amber, Thea, Darcie, Scarlett, Robyn"
        ),
        boys=_names(
            "Noah, Oliver, George, Arthur, Leo, Harry, Oscar, Archie, Henry, Theodore, Freddie, Jack, Charlie, "
            "Theo, Alfie, Jacob, Thomas, William, Finley, Lucas, Isaac, Tommy, Edward, Joshua, James, Max, "
            "Alexander, Samuel, Louie, Reggie, Teddy, Albert, Ronnie, Harrison, Jude, Elliot, Ethan, Dylan, Riley, "
            "Mason, Logan, Kai, Tyler, Jayden, Callum, Toby, Ollie, Benjamin, Joseph, Stanley, Bobby"
        ),
        surnames=_names(
            "Smith, Jones, Taylor, Brown, Wilson, Johnson, Wright, Walker, Robinson, Thompson, White, Hughes, "
            "Edwards, Green, Hall, Wood, Harris, Clarke, Jackson, Turner, Hill, Cooper, Ward, Moore, King, Baker, "
            "Harrison, Morris, Parker, Bennett, Allen, Mitchell, Carter, Shaw, Cook, Chapman, Marshall, Holmes, "
            "Fletcher, Barker, Pearson, Atkinson, Ashworth, Fox, Hargreaves, Greenwood, Pickering, Sutcliffe, "
            "Bradshaw, Lambert, Webb, Knight, Marsh, Dawson, Hunt, Ellis, Booth, Tucker, Stevens, Palmer, Day, "
            "Rowe, Barnes, Stone, Saunders, Parker-Jones, Ashby-Clarke, Smith-Holloway, Lowe, Dixon, Pritchett"
        ),
        women=_names(
            "Sarah, Emma, Claire, Rachel, Laura, Helen, Katie, Gemma, Lisa, Nicola, Joanne, Victoria, Amy, "
            "Rebecca, Kelly, Louise, Jennifer, Hayley, Samantha, Natalie, Charlotte, Stephanie, Zoë, Lauren"
        ),
        men=_names(
            "David, Mark, Paul, Andrew, Richard, Chris, Matthew, Daniel, James, Stephen, Michael, Simon, Lee, "
            "Craig, Gary, Jonathan, Robert, Adam, Ben, Liam, Carl, Steven, Neil, Stuart, Jamie"
        ),
    ),
    "celtic": NamePool(
        weight=0.08,
        eal_rate=0.01,
        girls=_names(
            "Siân, Ffion, Cerys, Seren, Nia, Carys, Catrin, Rhiannon, Gwen, Bethan, Eilidh, Mairi, Kirsty, Ailsa, "
            "Isla, Aoife, Niamh, Siobhan, Róisín, Saoirse, Ciara, Orla, Caoimhe, Clodagh, Sinéad"
        ),
        boys=_names(
            "Rhys, Dafydd, Gethin, Osian, Iwan, Aled, Cai, Emrys, Euan, Callum, Hamish, Angus, Ruaridh, Lachlan, "
            "Fraser, Cillian, Oisín, Seán, Declan, Ronan, Pádraig, Cian, Tadhg, Conor, Eoin"
        ),
        surnames=_names(
            "Jones, Davies, Evans, Williams, Thomas, Roberts, Lloyd, Pritchard, Llewellyn, Rees, Morgan, Griffiths, "
            "Vaughan, Bowen, ap Rhys, MacDonald, Campbell, Stewart, Robertson, MacLeod, McKenzie, Murray, Sinclair, "
            "Buchanan, O'Brien, O'Connor, O'Sullivan, Murphy, Kelly, Byrne, Ryan, Doyle, McCarthy, Gallagher, "
            "Doherty, Fitzgerald, Quinn, McLaughlin, Nolan, Brennan, Kavanagh, O'Neill, Ní Bhriain"
        ),
        women=_names("Siân, Angharad, Lowri, Fiona, Morag, Shona, Siobhan, Máire, Deirdre, Bronwen, Eleri"),
        men=_names("Gareth, Dylan, Huw, Iain, Alasdair, Niall, Ciarán, Padraig, Owain, Rhodri, Donal"),
    ),
    "south_asian": NamePool(
        weight=0.11,
        eal_rate=0.55,
        girls=_names(
            "Aisha, Fatima, Maryam, Zainab, Hafsa, Khadija, Inaya, Aleena, Anaya, Amira, Safa, Noor, Hania, Zara, "
            "Priya, Anika, Diya, Kavya, Saanvi, Aanya, Ishani, Riya, Simran, Harleen, Jasleen, Navneet, Tahmina, "
            "Sumaiya, Nusrat, Ruqayyah, Mehak"
        ),
        boys=_names(
            "Muhammad, Mohammed, Ibrahim, Yusuf, Ayaan, Zayn, Hamza, Ali, Ahmed, Rayyan, Musa, Zakariya, Arjun, "
            "Aarav, Vihaan, Rohan, Dev, Krish, Ishaan, Kabir, Harjot, Gurpreet, Jaskaran, Arman, Rehan, Tahmid, "
            "Saif, Abdullah, Ismail, Sami"
        ),
        surnames=_names(
            "Khan, Ahmed, Hussain, Ali, Akhtar, Iqbal, Rahman, Uddin, Islam, Miah, Chowdhury, Patel, Shah, Mistry, "
            "Parmar, Sharma, Gupta, Singh|Kaur, Sandhu, Gill, Dhillon, Bains, Malik, Mahmood, Butt, Qureshi, "
            "Chaudhry, Rashid, Siddiqui, Kumar, Joshi, Desai, Pillai"
        ),
        women=_names("Shabana, Nasreen, Rubina, Sunita, Parveen, Farzana, Anjali, Rupinder, Salma, Shazia"),
        men=_names("Imran, Tariq, Asif, Rajesh, Sanjay, Jaswinder, Abdul, Nadeem, Vikram, Shahid"),
    ),
    "eastern_european": NamePool(
        weight=0.07,
        eal_rate=0.80,
        girls=_names(
            "Zofia, Zuzanna, Julia, Maja, Hanna, Lena, Alicja, Wiktoria, Oliwia, Natalia, Ioana, Maria, Andreea, "
            "Elena, Bianca, Alexandra, Daria, Sofiia, Anastasiia, Viktoriia, Gabija, Emilija, Ugnė, Kateryna, "
            "Yana, Ivana, Milena"
        ),
        boys=_names(
            "Jakub, Szymon, Jan, Antoni, Filip, Kacper, Łukasz, Mikołaj, Wojciech, Bartosz, Stanisław, Ștefan, "
            "Andrei, Mihai, Alexandru, David, Luca, Matei, Ionuț, Denys, Bohdan, Maksym, Artem, Lukas, Matas, "
            "Dominykas, Nikola, Georgi, Ivan"
        ),
        surnames=_names(
            "Nowak, Kowalski|Kowalska, Wiśniewski|Wiśniewska, Wójcik, Kamiński|Kamińska, "
            "Lewandowski|Lewandowska, Zieliński|Zielińska, Szymański|Szymańska, Woźniak, Dąbrowski|Dąbrowska, "
            "Popescu, Ionescu, Popa, Dumitru, Munteanu, Constantin, Georgescu, Petrauskas|Petrauskaitė, "
            "Shevchenko, Kovalenko, Melnyk, Ivanov|Ivanova, Dimitrov|Dimitrova, Horváth, Novák|Nováková"
        ),
        women=_names("Małgorzata, Agnieszka, Katarzyna, Joanna, Magdalena, Mihaela, Cristina, Oksana, Rasa"),
        men=_names("Piotr, Tomasz, Krzysztof, Marcin, Paweł, Bogdan, Florin, Vasyl, Darius, Petar"),
    ),
    "west_african": NamePool(
        weight=0.05,
        eal_rate=0.35,
        girls=_names(
            "Adaeze, Chiamaka, Ifeoma, Oluwadamilola, Temitope, Folake, Ayomide, Precious, Blessing, Favour, "
            "Esther, Adwoa, Akosua, Ama, Abena, Efua, Nneka, Chidinma, Simisola, Tolulope, Deborah, Praise"
        ),
        boys=_names(
            "Chukwuemeka, Oluwaseun, Tobi, Ayodeji, Emeka, Chinedu, Obinna, Tunde, Femi, Ifeanyi, Kwame, Kofi, "
            "Kwabena, Yaw, Kojo, Daniel, David, Samuel, Joshua, Emmanuel, Victor, Olamide, Somto, Tomiwa"
        ),
        surnames=_names(
            "Okafor, Adeyemi, Okonkwo, Adebayo, Oladipo, Eze, Nwosu, Obi, Ogunleye, Bello, Balogun, Okoro, "
            "Afolabi, Akinola, Ogundipe, Ojo, Mensah, Owusu, Asante, Boateng, Osei, Appiah, Agyeman, Darko, Addo"
        ),
        women=_names("Ngozi, Funmilayo, Yetunde, Abimbola, Comfort, Grace, Akua, Chioma"),
        men=_names("Olumide, Chidi, Babatunde, Kwesi, Segun, Uche, Ebenezer, Nana"),
    ),
    "east_african": NamePool(
        weight=0.02,
        eal_rate=0.75,
        girls=_names(
            "Hodan, Amina, Fadumo, Ayan, Hibaaq, Sagal, Nimco, Ikran, Hamdi, Filsan, Ubah, Samira, Muna, Saron, "
            "Selam, Hiwet, Yordanos, Meron"
        ),
        boys=_names(
            "Abdi, Abdirahman, Mahad, Liban, Yasin, Hassan, Omar, Abdullahi, Bashir, Guled, Mukhtar, Abdiaziz, "
            "Dawit, Yonas, Robel, Kidus, Filmon"
        ),
        surnames=_names(
            "Mohamed, Hassan, Abdi, Ali, Farah, Ahmed, Osman, Jama, Warsame, Hersi, Yusuf, Nur, Aden, Ibrahim, "
            "Tesfaye, Haile, Gebremedhin, Bekele, Tekle"
        ),
        women=_names("Halimo, Faduma, Khadra, Sahra, Asha, Tigist"),
        men=_names("Abdiqani, Mohamud, Ismail, Said, Tesfay, Mulugeta"),
    ),
    "east_asian": NamePool(
        weight=0.02,
        eal_rate=0.60,
        girls=_names(
            "Jiayi, Xinyi, Yuxuan, Zihan, Ruoxi, Mei, Hoi Yan, Ka Yee, Chloe, Hannah, Ngọc Anh, Linh, Thu, Mai, "
            "Jasmine, Yuna, Seo-yeon, Ji-woo"
        ),
        boys=_names(
            "Hao, Junjie, Haoran, Zixuan, Yichen, Wei, Ho Yin, Chun Kit, Ethan, Ryan, Nathan, Minh, Đức, Khoa, "
            "Bảo, Jun, Min-jun, Ji-ho"
        ),
        surnames=_names(
            "Chen, Wang, Li, Zhang, Liu, Huang, Lin, Wong, Cheung, Chan, Ng, Lam, Leung, Tang, Nguyen, Tran, "
            "Pham, Le, Kim, Park"
        ),
        women=_names("Xiaoling, Yan, Wing Yee, Thuy, Hyun-ju, Li Na"),
        men=_names("Jianguo, Ming, Kwok Wai, Tuan, Sung-min, Hui"),
    ),
    "middle_eastern": NamePool(
        weight=0.04,
        eal_rate=0.75,
        girls=_names(
            "Maryam, Layla, Sara, Hana, Yasmin, Rania, Lina, Nour, Salma, Jana, Elif, Zeynep, Defne, Ecrin, "
            "Nazanin, Parisa, Shirin, Rojin, Dilan, Hawa, Malalai, Farida"
        ),
        boys=_names(
            "Omar, Yousef, Adam, Karim, Ziad, Tariq, Hamza, Mustafa, Bilal, Emir, Yusuf, Kerem, Mehmet, Ahmad, "
            "Reza, Arash, Dara, Karwan, Rebin, Hasib, Farhad"
        ),
        surnames=_names(
            "Al-Sayed, Haddad, Nasser, Khalil, Mansour, Hamdan, Saleh, Abdullah, Al-Rashid, Yılmaz, Kaya, Demir, "
            "Şahin, Çelik, Öztürk, Ahmadi, Hosseini, Karimi, Rahimi, Mohammadi, Barzani, Rasul, Amin, Aziz, Noori"
        ),
        women=_names("Huda, Rana, Ayşe, Fatma, Leila, Zahra, Golnar"),
        men=_names("Khaled, Mahmoud, Hakan, Murat, Hossein, Kamal, Wali"),
    ),
    "caribbean": NamePool(
        weight=0.03,
        eal_rate=0.02,
        girls=_names(
            "Shanice, Tia, Jada, Aaliyah, Keisha, Destiny, Kezia, Nia, Tiana, Jayda, Chantelle, Imani, Amara, Zuri"
        ),
        boys=_names(
            "Jermaine, Tyrese, Kai, Marcus, Andre, Dwayne, Malachi, Jaden, Isaiah, Elijah, Darnell, Kareem, "
            "Nathaniel, Jahmal, Reuben"
        ),
        surnames=_names(
            "Campbell, Brown, Francis, Thomas, Grant, Reid, Williams, Clarke, Gordon, Bailey, Samuels, Henry, "
            "Forbes, Richards, Powell, Ellis, Gayle, Spence, McKenzie, Bennett"
        ),
        women=_names("Marcia, Sonia, Janice, Paulette, Natasha, Michelle"),
        men=_names("Winston, Delroy, Clive, Leon, Trevor, Errol"),
    ),
    "southern_european": NamePool(
        weight=0.03,
        eal_rate=0.60,
        girls=_names(
            "Beatriz, Inês, Leonor, Mariana, Matilde, Giulia, Sofia, Chiara, Francesca, Lucía, Carmen, "
            "Valentina, Martina, Ana"
        ),
        boys=_names(
            "João, Tiago, Rodrigo, Gonçalo, Duarte, Francisco, Lorenzo, Matteo, Leonardo, Alessandro, Mateo, "
            "Hugo, Pablo, Álvaro, Gabriel"
        ),
        surnames=_names(
            "Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Sousa, Fernandes, Rossi, "
            "Russo, Esposito, Bianchi, Romano, Ricci, García, Fernández, López, Martínez, Sánchez, Gómez, Díaz"
        ),
        women=_names("Fernanda, Paola, Rosa, Cristina, Giovanna, Lucia"),
        men=_names("Paulo, Marco, Giuseppe, Javier, Rui, Sérgio"),
    ),
}
# Families of mixed heritage: a British or Irish name joined with another background's.
MIXED_WEIGHT = 0.05
_HOME_POOLS = ("british", "celtic")


@dataclass(frozen=True)
class Origin:
    """A family's naming background: the pools its first names come from, and its surname."""

    pools: tuple[str, ...]
    surname: str
    eal_rate: float

    def first_name(self, rng: random.Random, gender: str, *, adult: bool = False) -> str:
        pool = NAME_POOLS[rng.choice(self.pools)]
        if adult:
            names = (pool.women if gender == "F" else pool.men) or (pool.girls if gender == "F" else pool.boys)
            # Parents and staff were named in the 1970s-2000s, but many names never go out of use.
            if rng.random() < 0.3:
                names = pool.girls if gender == "F" else pool.boys
        else:
            names = pool.girls if gender == "F" else pool.boys
        return rng.choice(names)

    def last_name(self, gender: str) -> str:
        return surname_form(self.surname, gender)


def surname_form(surname: str, gender: str) -> str:
    """The form of ``surname`` for ``gender``: "Kowalski|Kowalska" gives Kowalska for a girl."""
    male, _, female = surname.partition("|")
    return female if gender == "F" and female else male


_POOL_KEYS = tuple(NAME_POOLS)
_POOL_WEIGHTS = tuple(NAME_POOLS[key].weight for key in _POOL_KEYS)


def draw_origin(rng: random.Random) -> Origin:
    """A family background, in roughly the mix of England's school population."""
    if rng.random() < MIXED_WEIGHT:
        home = rng.choice(_HOME_POOLS)
        other = rng.choices(_POOL_KEYS[2:], weights=_POOL_WEIGHTS[2:])[0]
        home_surname = surname_form(rng.choice(NAME_POOLS[home].surnames), "M")
        other_surname = rng.choice(NAME_POOLS[other].surnames)
        roll = rng.random()
        if roll < 0.3:
            surname = f"{surname_form(other_surname, 'M')}-{home_surname}"
        elif roll < 0.65:
            surname = other_surname
        else:
            surname = home_surname
        return Origin(pools=(home, other), surname=surname, eal_rate=NAME_POOLS[other].eal_rate / 3)
    key = rng.choices(_POOL_KEYS, weights=_POOL_WEIGHTS)[0]
    pool = NAME_POOLS[key]
    return Origin(pools=(key,), surname=rng.choice(pool.surnames), eal_rate=pool.eal_rate)


_ASCII_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ß": "ss"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, for usernames and email addresses (Siân -> sian)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return "".join(char for char in decomposed if char.isascii() and char.isalnum()).lower()


# --- The school year ----------------------------------------------------------------------------------


def academic_year_start(day: dt.date) -> int:
    """The calendar year in which the academic year containing ``day`` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _previous_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _friday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def term_dates(*, start_year: int) -> dict[str, tuple[dt.date, dt.date]]:
    """Typical English term dates for the academic year starting in September of ``start_year``.

    Autumn from the first weekday on or after 3 September to the last Friday on or before 20 December;
    spring from the first Monday on or after 4 January to the last Friday on or before 1 April; summer
    after a two-week Easter break until the last weekday on or before 22 July.
    """
    autumn = (_next_weekday(dt.date(start_year, 9, 3)), _friday_on_or_before(dt.date(start_year, 12, 20)))
    spring_end = _friday_on_or_before(dt.date(start_year + 1, 4, 1))
    spring = (_monday_on_or_after(dt.date(start_year + 1, 1, 4)), spring_end)
    summer = (spring_end + dt.timedelta(days=17), _previous_weekday(dt.date(start_year + 1, 7, 22)))
    return {TermName.AUTUMN: autumn, TermName.SPRING: spring, TermName.SUMMER: summer}


def term_closures(name: str, start: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """The demo's closures in one term, as (kind, name, first day, last day): the suggested half-term week, an
    INSET day on the first day of the autumn and spring terms and on the Friday before the summer half-term,
    and the England and Wales bank holidays on weekdays the others leave open."""
    closures: list[tuple[str, str, dt.date, dt.date]] = []
    week = suggested_half_term(start, end)
    if week:
        closures.append((ClosureKind.HALF_TERM, HALF_TERM_NAMES[name], week[0], week[1]))
    if name in (TermName.AUTUMN, TermName.SPRING):
        closures.append((ClosureKind.INSET, "Staff training day", start, start))
    elif week:
        friday = week[0] - dt.timedelta(days=3)
        closures.append((ClosureKind.INSET, "Staff training day", friday, friday))
    for holiday in bank_holidays_between(start, end):
        covered = any(first <= holiday.date <= last for _kind, _name, first, last in closures)
        if holiday.date.weekday() < 5 and not covered:
            closures.append((ClosureKind.BANK_HOLIDAY, holiday.name, holiday.date, holiday.date))
    return sorted(closures, key=lambda closure: closure[2])


# --- Building the frame -------------------------------------------------------------------------------


@dataclass
class DemoSchool:
    """One demo school with the staff that ``demo.pupils`` gives classes to."""

    spec: SchoolSpec
    school: School
    class_teachers: list[AbstractBaseUser] = field(default_factory=list)
    teaching_assistants: list[AbstractBaseUser] = field(default_factory=list)
    staff_count: int = 0


@dataclass
class DemoFrame:
    trust: Trust
    schools: dict[str, DemoSchool]
    logins: dict[str, AbstractBaseUser]
    today: dt.date
    start_year: int
    password_hash: str
    joined_at: dt.datetime
    seed: int


def demo_rng(seed: int, part: str) -> random.Random:
    """An independent random stream for one part of the demo, so that (for example) the primary's pupils
    do not change when the secondary is made bigger. String seeds are hashed with SHA-512, not ``hash()``,
    so the stream is the same in every process."""
    return random.Random(f"provision-demo:{seed}:{part}")


def demo_trust_exists() -> bool:
    return Trust.objects.filter(name=DEMO_TRUST_NAME).exists()


def _demo_user_ids(schools) -> set[int]:
    """Accounts the demo made: its named logins, the staff of its schools and the parents who accepted an
    invitation from them, except anyone who is a superuser, also works at a school outside the demo or is also a
    parent at one (those are never deleted)."""
    user_model = get_user_model()
    school_ids = {school.pk for school in schools}
    candidates = set(Membership.objects.filter(school__in=schools).values_list("user_id", flat=True))
    candidates |= set(user_model.objects.filter(username__in=DEMO_USERNAMES).values_list("pk", flat=True))
    # Parents' accounts, through the guardian rows' reverse relation (pupils is to the right of this app).
    candidates |= set(user_model.objects.filter(guardianships__school__in=schools).values_list("pk", flat=True))
    keep = set(
        Membership.objects.filter(user_id__in=candidates).exclude(school__in=schools).values_list("user_id", flat=True)
    )
    keep |= set(user_model.objects.filter(pk__in=candidates, is_superuser=True).values_list("pk", flat=True))
    guardianships = user_model.objects.filter(pk__in=candidates, guardianships__isnull=False)
    keep |= {
        pk for pk, school_id in guardianships.values_list("pk", "guardianships__school") if school_id not in school_ids
    }
    return candidates - keep


@transaction.atomic
def demo_delete() -> int:
    """Delete the demo trust, its schools (and with them everything they own) and the demo's accounts.

    Returns the number of accounts deleted. Does nothing when there is no demo trust and no demo account.
    """
    schools = list(School.objects.filter(trust__name=DEMO_TRUST_NAME))
    user_ids = _demo_user_ids(schools)
    for school in schools:
        # One school at a time keeps the cascade's in-memory collection small.
        school.delete()
    get_user_model().objects.filter(pk__in=user_ids).delete()
    Trust.objects.filter(name=DEMO_TRUST_NAME).delete()
    return len(user_ids)


def _check_free() -> None:
    """Refuse clearly when the demo's trust, URNs or login names are already in use."""
    if demo_trust_exists():
        raise DemoError(
            f"The demo trust '{DEMO_TRUST_NAME}' already exists. Run with --reset to delete and recreate it."
        )
    taken_urns = sorted(School.objects.filter(urn__in=[s.urn for s in DEMO_SCHOOLS]).values_list("urn", flat=True))
    if taken_urns:
        raise DemoError(f"URN {', '.join(taken_urns)} is already used by a school outside the demo.")
    taken = sorted(get_user_model().objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    if taken:
        raise DemoError(
            f"The demo needs the username(s) {', '.join(taken)}, already taken by account(s) outside the demo. "
            "Rename them first (or use --reset if they are left over from an earlier demo)."
        )


def build_user(
    *, username: str, first_name: str, last_name: str, email: str, password_hash: str, joined_at: dt.datetime
) -> AbstractBaseUser:
    """An unsaved user account with an already-hashed password (hashing once per demo keeps it fast)."""
    return get_user_model()(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password_hash,
        is_staff=False,
        is_superuser=False,
        is_active=True,
        date_joined=joined_at,
    )


SECONDARY_SUBJECTS = (
    "English",
    "Mathematics",
    "Science",
    "Biology",
    "Chemistry",
    "Physics",
    "History",
    "Geography",
    "French",
    "Spanish",
    "Computing",
    "Art and design",
    "Music",
    "Drama",
    "Physical education",
    "Religious education",
    "Design and technology",
    "Food and nutrition",
    "Business studies",
    "Psychology",
)


@dataclass
class _StaffPlan:
    """How many of each kind of generated staff a school gets, with their job titles."""

    class_teachers: list[str]
    teachers: list[str]
    teaching_assistants: list[str]
    leaders: list[str]
    sencos: list[str]
    admins: list[str]


def _staff_plan(spec: SchoolSpec, class_teachers: int, rng: random.Random) -> _StaffPlan:
    if spec.phase == Phase.PRIMARY:
        return _StaffPlan(
            class_teachers=["Class teacher"] * class_teachers,
            teachers=["PE and music teacher", "Teacher (PPA cover)"],
            teaching_assistants=["Teaching assistant"] * 4 + ["Higher level teaching assistant"],
            leaders=["Deputy headteacher"],
            sencos=[],
            admins=["Office manager"],
        )
    subjects = [rng.choice(SECONDARY_SUBJECTS) for _ in range(class_teachers + 6)]
    tas = max(4, class_teachers // 4)
    return _StaffPlan(
        class_teachers=[f"Teacher of {subject}" for subject in subjects[:class_teachers]],
        teachers=[f"Teacher of {subject}" for subject in subjects[class_teachers:]],
        teaching_assistants=["Learning support assistant"] * (tas - 2) + ["Literacy tutor", "Numeracy tutor"],
        leaders=["Headteacher", "Deputy headteacher", "Deputy headteacher"]
        + ["Assistant headteacher"] * max(1, class_teachers // 20),
        sencos=["Assistant SENCO"],
        admins=["Data manager", "Exams officer"],
    )


@transaction.atomic
def frame_create(*, seed: int, today: dt.date, password_hash: str, class_teachers: Mapping[str, int]) -> DemoFrame:
    """Create the demo trust, its schools, this and last academic year with their terms, and the staff.

    ``class_teachers`` is how many class teachers or form tutors each school needs beyond the ``teacher``
    login (``demo.pupils.RollPlan.class_teachers_needed``). Raises ``DemoError`` if the demo exists already.
    """
    _check_free()
    rng = demo_rng(seed, "staff")
    start_year = academic_year_start(today)
    joined_at = timezone.make_aware(dt.datetime(start_year - 1, 8, 28, 9, 0))
    trust = Trust.objects.create(name=DEMO_TRUST_NAME)

    senco_of = {post[0]: login for login in DEMO_LOGINS for post in login.posts if post[1] == Role.SENCO}
    schools: dict[str, DemoSchool] = {}
    for spec in DEMO_SCHOOLS:
        senco = senco_of[spec.key]
        school = School(
            urn=spec.urn,
            name=spec.name,
            trust=trust,
            phase=spec.phase,
            lowest_year=spec.lowest_year,
            highest_year=spec.highest_year,
            senco_name=f"{senco.first_name} {senco.last_name}",
            senco_email=f"senco@{spec.email_domain}",
        )
        school.full_clean()
        school.save()
        schools[spec.key] = DemoSchool(spec=spec, school=school)

    years = [
        AcademicYear(
            school=demo_school.school,
            start_year=year,
            start_date=dt.date(year, 9, 1),
            end_date=dt.date(year + 1, 8, 31),
        )
        for demo_school in schools.values()
        for year in (start_year - 1, start_year)
    ]
    AcademicYear.objects.bulk_create(years)
    Term.objects.bulk_create(
        Term(academic_year=year, name=name, start_date=start, end_date=end)
        for year in years
        for name, (start, end) in term_dates(start_year=year.start_year).items()
    )
    Closure.objects.bulk_create(
        Closure(term=term, kind=kind, name=label, start_date=first, end_date=last)
        for term in Term.objects.filter(academic_year__in=years)
        for kind, label, first, last in term_closures(term.name, term.start_date, term.end_date)
    )

    users: list[AbstractBaseUser] = []
    memberships: list[tuple[AbstractBaseUser, str, str, str]] = []
    logins: dict[str, AbstractBaseUser] = {}
    for login in DEMO_LOGINS:
        home = SCHOOL_SPECS[login.posts[0][0]]
        user = build_user(
            username=login.username,
            first_name=login.first_name,
            last_name=login.last_name,
            email=f"{ascii_slug(login.first_name)}.{ascii_slug(login.last_name)}@{home.email_domain}",
            password_hash=password_hash,
            joined_at=joined_at,
        )
        logins[login.username] = user
        users.append(user)
        memberships.extend((user, key, role, title) for key, role, title in login.posts)

    taken = set(DEMO_USERNAMES)
    for key, demo_school in schools.items():
        plan = _staff_plan(demo_school.spec, class_teachers.get(key, 0), rng)
        posts = (
            [(Role.TEACHER, title, demo_school.class_teachers) for title in plan.class_teachers]
            + [(Role.TEACHER, title, None) for title in plan.teachers]
            + [(Role.TA, title, demo_school.teaching_assistants) for title in plan.teaching_assistants]
            + [(Role.LEADER, title, None) for title in plan.leaders]
            + [(Role.SENCO, title, None) for title in plan.sencos]
            + [(Role.ADMIN, title, None) for title in plan.admins]
        )
        for role, title, bucket in posts:
            gender = "F" if rng.random() < 0.7 else "M"  # about seven in ten school staff are women
            origin = draw_origin(rng)
            first_name = origin.first_name(rng, gender, adult=True)
            last_name = origin.last_name(gender)
            base = f"{ascii_slug(first_name)[:1]}{ascii_slug(last_name)}" or "staff"
            username, suffix = base, 1
            while username in taken:
                suffix += 1
                username = f"{base}{suffix}"
            taken.add(username)
            user = build_user(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@{demo_school.spec.email_domain}",
                password_hash=password_hash,
                joined_at=joined_at,
            )
            users.append(user)
            memberships.append((user, key, role, title))
            if bucket is not None:
                bucket.append(user)
        demo_school.staff_count = sum(1 for _, school_key, _, _ in memberships if school_key == key)

    _avoid_existing_usernames(users, taken)
    get_user_model().objects.bulk_create(users, batch_size=BATCH_SIZE)
    Membership.objects.bulk_create(
        (
            Membership(user=user, school=schools[key].school, role=role, job_title=title)
            for user, key, role, title in memberships
        ),
        batch_size=BATCH_SIZE,
    )
    return DemoFrame(
        trust=trust,
        schools=schools,
        logins=logins,
        today=today,
        start_year=start_year,
        password_hash=password_hash,
        joined_at=joined_at,
        seed=seed,
    )


def _avoid_existing_usernames(users: list[AbstractBaseUser], taken: set[str]) -> None:
    """Rename generated staff whose username an account outside the demo already has (one query)."""
    fixed = set(DEMO_USERNAMES)
    generated = [user for user in users if user.username not in fixed]
    existing = set(taken)
    while True:
        names = [user.username for user in generated]
        clashes = set(get_user_model().objects.filter(username__in=names).values_list("username", flat=True))
        if not clashes:
            return
        existing |= clashes
        for user in generated:
            if user.username in clashes:
                base, suffix = user.username, 1
                while f"{base}-{suffix}" in existing:
                    suffix += 1
                user.username = f"{base}-{suffix}"
                existing.add(user.username)
        # Only the renamed ones can clash now.
        generated = [user for user in generated if user.username.rsplit("-", 1)[0] in clashes]
