"""The names the demo's people are given: pools of first names and surnames by background, in roughly the mix of
England's school population, and the nicknames pupils go by. Tables only (``demo.school`` draws from them)."""

from __future__ import annotations

from dataclasses import dataclass


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
HOME_POOLS = ("british", "celtic")

NICKNAMES = {
    "Alexander": "Alex", "Benjamin": "Ben", "Samuel": "Sam", "Joshua": "Josh", "Theodore": "Teddy",
    "Matilda": "Tilly", "Charlotte": "Lottie", "Isabella": "Bella", "Jacob": "Jake", "Oluwaseun": "Seun",
    "Oluwadamilola": "Dami", "Chukwuemeka": "Emeka", "Ayodeji": "Deji", "Temitope": "Temi", "Tolulope": "Tolu",
    "Abdirahman": "Abdi", "Zakariya": "Zak", "Wojciech": "Wojtek", "Alexandru": "Alex", "Anastasiia": "Nastia",
    "Francesca": "Frankie", "Nathaniel": "Nate", "Mikołaj": "Mikey", "Gurpreet": "Gurp", "Harrison": "Harry",
}  # fmt: skip
# Pupils from these backgrounds sometimes go by an English first name at school.
ENGLISH_NAME_POOLS = {"east_asian": 0.2}
OTHER_LA_CODES = ("202", "208", "330", "336", "373", "886", "919", "926", "941")
