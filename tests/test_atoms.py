"""Atoms across scripts: numbers, dates and names compared symbolically."""

from pathlib import Path

from align.anchors import sentence_keys
from align.atoms import (
    find_atoms,
    find_dates,
    find_names,
    find_numbers,
    glossed_names,
    is_covered,
    is_telling_name,
    number_word_values,
    profile,
    skeletons,
    with_glosses,
    words,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FRENCH = (SEEDS / "001_b786fb708fc180cb.txt").read_text(encoding="utf-8")
ARABIC = (SEEDS / "002_cd5cc42a566c1068.txt").read_text(encoding="utf-8")


def values(text):
    return [sorted(a.keys) for a in find_numbers(text)]


def test_digits_of_every_script_read_as_the_same_value():
    western, arabic_indic, persian = (find_numbers(t)[0].keys for t in ("2013", "٢٠١٣", "۲۰۱۳"))
    assert western == arabic_indic == persian


def test_separators_decimals_and_percent():
    assert "n:70000" in find_numbers("70 000 users")[0].keys
    assert find_numbers("1,500")[0].keys >= {"n:1500", "n:1.5"}  # English or French reading
    percent = find_numbers("rose by 3,5 % in May")[0]
    assert percent.text == "3,5 %" and "n:3.5" in percent.keys
    assert is_covered(find_numbers("over 70 per cent")[0], profile("plus de 70 %"))
    assert not is_covered(find_numbers("70 per cent")[0], profile("plus de 75 %"))


def test_spelled_numbers_cover_digits_but_are_not_atoms():
    assert is_covered(find_numbers("5 victims")[0], profile("Cinq des victimes"))
    assert find_numbers("cinq victimes") == []
    assert is_covered(find_dates("rendue le 1er octobre")[0], profile("في الأول من أكتوبر"))


def test_number_with_a_scale_word_is_read_multiplied():
    """NTREX: "Près de 40 000 nouveaux cas" is "حوالي 40 ألف حالة جديدة"."""
    assert is_covered(find_numbers("Près de 40 000 nouveaux cas")[0], profile("حوالي 40 ألف حالة جديدة"))
    arabic = find_numbers("حوالي 40 ألف حالة")[0]
    assert arabic.text == "40 ألف" and is_covered(arabic, profile("40 000 cas"))
    assert not is_covered(find_numbers("20 millones de personas")[0], profile("20 000 personnes"))


def test_months_match_across_languages():
    keys = [find_dates(t)[0].keys for t in ("en août", "في أغسطس", "in August", "في آب", "Août")]
    assert all(k == keys[0] for k in keys)
    assert find_dates("在2019年7月")[0].keys == find_dates("en juillet")[0].keys


def test_german_weekday_joined_to_a_part_of_the_day():
    """NTREX: "el viernes por la noche" is "am Freitagabend"; "Freitags" (on Fridays) is no date."""
    assert is_covered(find_dates("el viernes por la noche")[0], profile("am Freitagabend 2-1 in Belfast"))
    assert find_dates("die Montagsdemo") == []


def test_date_with_another_year_is_not_covered():
    date = find_dates("وقعا على اتفاق أمني في أغسطس 2001، وتم")[0]
    assert date.text == "أغسطس 2001"
    assert is_covered(date, profile("signé en août 2001"))
    assert not is_covered(date, profile("signé en août 2002"))


def test_names_found_across_scripts():
    for latin, arabic in (("Deramchi", "الدرامشي"), ("El Mazen", "المازن"), ("Tripoli", "بطرابلس")):
        name = find_names(f"a rencontré M. {latin} hier")[0]
        assert is_covered(name, profile(f"التقى {arabic} أمس")), latin
    assert not is_covered(find_names("a rencontré M. Deramchi")[0], profile("التقى المازن أمس"))
    assert skeletons("Deramchi") == skeletons("الدرامشي")
    # A first letter that may be a prefix or the name's own: "بومبيو" is Pompeo, "وليبيا" is "and Libya".
    # A name transliterated in two words: "Pyongyang" is "بيونغ يانج".
    for latin, arabic in (("Pompeo", "بومبيو"), ("Kavanaugh", "كافانو"), ("Libye", "وليبيا"), ("Pyongyang", "بيونغ يانج")):
        assert is_covered(find_names(f"a rencontré M. {latin} hier")[0], profile(f"التقى {arabic} أمس")), latin


def test_sentence_initial_word_is_not_a_name_but_a_run_is():
    names = [a.text for a in find_names("Le ministre a reçu Khaled El Mazen. Affirmant que tout va bien.")]
    assert names == ["Khaled El Mazen"]


def test_seed_pair_atoms():
    """The French seed's people are in the Arabic one; the Arabic dates are not in the French."""
    arabic, french = profile(ARABIC), profile(FRENCH)
    people = [a for a in find_atoms(FRENCH) if a.kind == "name" and "Deramchi" in a.text or "Mazen" in a.text]
    assert people and all(is_covered(a, arabic) for a in people)
    dates = [a for a in find_atoms(ARABIC) if a.kind == "date" and any(y in a.text for y in ("2001", "2012", "2013", "2014"))]
    assert len(dates) == 4 and not any(is_covered(a, french) for a in dates)
    tuesday = [a for a in find_atoms(ARABIC) if a.text == "الثلاثاء"]
    assert tuesday and is_covered(tuesday[0], french)  # "mardi"


def test_a_title_before_a_name_is_no_name():
    """NTREX zh-en: "Mr. Hart" is "哈特"; "Mr" alone was reported as a name the Chinese lacks. Arabic "تيريزا ماي" is Mrs May."""
    assert [a.text for a in find_names("In 1987, when Mr. Hart was caught, Ms. Schroeder was frustrated.")] == ["Hart", "Schroeder"]
    assert [a.text for a in find_names("The driver told Mr Smith so.")] == ["Smith"]
    assert find_dates("وستعلن تيريزا ماي ذلك اليوم") == [] and find_dates("وحث السيدة مايو على") == []


def test_german_nouns_after_an_article_are_not_names():
    text = "Am Montag traf Angela Merkel in Berlin die Besatzung der neuen Station und Ursula von der Leyen."
    german = [a.text for a in find_names(text, "de")]
    assert "Angela Merkel" in german and "Berlin" in german and "Leyen" in german
    assert not any("Besatzung" in n or "Station" in n for n in german)
    # Without the language every capitalised word is a candidate, as in French or English.
    assert any("Besatzung" in n for n in (a.text for a in find_names(text)))


def test_a_capitalised_german_article_starts_no_name():
    """NTREX German: a quote or a sentence glued to a line without its full stop opens with "Die", "Das";
    the polite "Sie" is followed by nouns too."""
    for text in ("Er sagte: „Die Erhöhung der Stempelgebühr wird alle betreffen.“",
                 "„Das Meer gehört uns“: Bolivien hofft", "Wenn Sie Probleme haben, rufen Sie an."):
        assert not [n.text for n in find_names(text, "de") if is_telling_name(n, "de")], text
    assert "Olaf Scholz" in [n.text for n in find_names("Am Montag sagte Olaf Scholz: „Die Lage ist ernst.“", "de")]


def test_dotted_capital_i_does_not_break_date_search():
    assert find_dates("MAİ 2019") == []
    assert [a.keys for a in find_dates("le 3 MAI 2019")] == [frozenset({"month:5"})]


def test_a_lone_german_capital_is_no_name_to_report():
    """NTREX German: "Meinung" (opinion) is capitalised as every noun is; "Christine Blasey Ford" is a name."""
    german = find_names("Nach Meinung vieler Beobachter hat Christine Blasey Ford ausgesagt.", "de")
    assert [(n.text, is_telling_name(n, "de")) for n in german] == [
        ("Meinung", False), ("Beobachter", False), ("Christine Blasey Ford", True)]
    # A run opening a German sentence loses its first word, whose capital is the sentence's.
    assert [n.text for n in find_names("Angela Merkel sagte am Montag.", "de")] == ["Merkel"]
    french = find_names("Selon les observateurs, Kavanaugh a menti.", "fr")
    assert [(n.text, is_telling_name(n, "fr")) for n in french] == [("Kavanaugh", True)]


def test_numbers_in_scripts_without_spaces():
    """NTREX zh-en: "特朗普2016年" states 2016 and "2000 万人" twenty million, as the English does."""
    assert values("迪尔曾是特朗普2016年马萨诸塞州竞选团队的联合主席") == [["n:2016"]]
    assert values("A380") == [] and values("و2019") == [["n:2019"]]
    assert is_covered(find_numbers("超过 2000 万人收看")[0], profile("More than 20 million people watched"))
    assert is_covered(find_numbers("أكثر من 30،000 كوري")[0], profile("超过3万的朝鲜人"))
    assert is_covered(find_numbers("他14岁首次参加奥运会")[0], profile("he went to his first Olympics aged 14"))


def test_a_month_written_with_digits_is_no_number():
    atoms = find_atoms("在11月的大选后", "zh")
    assert [(a.kind, a.text) for a in atoms] == [("date", "11月")]
    assert is_covered(atoms[0], profile("after the November elections"))
    assert find_dates("在十月份")[0].keys == find_dates("in October")[0].keys


def test_spelled_compounds_and_numerals_cover_digits():
    for spelled in ("thirty-six", "treinta y seis", "sechsunddreißig", "اجتماعها السادس والثلاثين", "三十六"):
        assert is_covered(find_numbers("36")[0], profile(spelled)), spelled
    assert is_covered(find_numbers("13")[0], profile("في سن الثالثة عشر"))
    assert not is_covered(find_numbers("16")[0], profile("ten people and six dogs"))


def test_english_homonyms_of_months():
    assert find_dates("who may have captured it") == [] and find_dates("Mrs May said") == []
    assert find_dates("on 3 May 2019")[0].keys == {"month:5"}


def test_chinese_words_come_from_a_dictionary():
    assert "特朗普" in words("她可能在2020年与特朗普竞争。", "zh")
    assert words("Tripoli et Alger", "fr") == ["Tripoli", "et", "Alger"]


def test_times_of_day_match_across_notations():
    """NTREX de-fr: "um 10:15 Uhr" is "à 10h15", "Um 14:00 Uhr" is "À 14 h"."""
    assert values("um 10:15 Uhr") == values("aux environs de 10h15") == [["t:10:15"]]
    assert is_covered(find_numbers("À 14 h, deux fourgons")[0], profile("Um 14:00 Uhr befanden sich"))
    assert is_covered(find_numbers("at 4:40 p.m.")[0], profile("à 16h40"))
    assert values("for 14 hours") == [["n:14"]] and values("27:37") == [["n:27"], ["n:37"]]
    assert is_covered(find_numbers("en 2e position")[0], profile("in der zweiten Position"))


def test_times_in_chinese_and_arabic_text():
    """NTREX zh-ar: "周日11:15在" and "下午5：30" are times as the Arabic "11:15" and "5:30 مساءً" are; the
    Arabic "7.55 صباحًا" (in the morning) is the Chinese "7:55", "4.40 مساءً" (in the evening) "4:40 p.m."."""
    assert values("荒岛唱片电台在英国夏令时周日11:15在BBC广播4台播出。") == [["t:11:15"], ["n:4"]]
    assert is_covered(find_numbers("最佳时间是周六下午5：30")[0], profile("هو 5:30 مساءً يوم السبت"))
    assert is_covered(find_numbers("في الساعة 7.55 صباحًا مع")[0], profile("早上 7:55 在John 大街"))
    assert is_covered(find_numbers("في الساعة 4.40 مساءً")[0], profile("at 4:40 p.m."))


def test_a_decimal_after_a_month_is_no_day():
    """NTREX de: "betrug im Juli 2,7 Prozent" dates July, not July 2."""
    assert find_dates("betrug im Juli 2,7 Prozent")[0].text == "Juli"
    assert find_dates("on July 2, 2019 he")[0].text == "July 2, 2019"


def test_a_name_glossed_once_is_stated_by_its_local_spelling():
    """NTREX zh: "嫌疑人赛波夫(Sayfullo Saipov)", then only "赛波夫"; Arabic does the same."""
    chinese = "纽约联邦检察官将对袭击案嫌疑人赛波夫(Sayfullo Saipov)判处死刑。大陪审团对赛波夫提出了22项指控。"
    later = "大陪审团对赛波夫提出了22项指控。"
    saipov = find_names("a grand jury slapped Saipov with charges")[0]
    assert not is_covered(saipov, profile(later))
    assert is_covered(saipov, with_glosses(profile(later), later, glossed_names(chinese, "zh")))
    assert set(glossed_names("وقال سايفولو سايبوف (Sayfullo Saipov) إن", "ar")) == {"سايفولو", "سايبوف"}


def test_english_notations_of_times_amounts_decades_and_centuries():
    """NTREX es-en: "7.55am" is "a las 7:55", "the 1980s" "los años 80", "19th-century" "siglo XIX"."""
    assert is_covered(find_numbers("found at 7.55am")[0], profile("encontrada a las 7:55"))
    assert is_covered(find_numbers("at 4.40 p.m.")[0], profile("à 16h40"))
    assert is_covered(find_numbers("the UK's £2.8bn market")[0], profile("un marché de 2,8 milliards"))
    assert is_covered(find_numbers("In the 1980s at")[0], profile("En los años 80"))
    assert is_covered(find_numbers("En los años 80")[0], profile("In the 1980s at"))
    assert is_covered(find_numbers("a 19th-century conflict")[0], profile("un conflicto del siglo XIX"))
    assert number_word_values("I was there") == frozenset()


def test_chinese_transliterations_are_spelled_word_by_word():
    """NTREX zh: "科斯提·杨" is Kirsty Young, "皮涅拉斯" Pinellas, read syllable by syllable."""
    chinese = profile("长期节目主持人科斯提·杨由于患病请了几个月的病假，皮涅拉斯郡", "zh")
    for name in ("Kirsty Young", "Pinellas"):
        assert is_covered(find_names(f"the host {name} was")[0], chinese), name
    assert not is_covered(find_names("the host Kirsty Young was")[0], profile("长期节目主持人由于患病", "zh"))


def test_capitals_opening_a_sentence_anywhere_in_a_text_are_no_names():
    text = "Le ministre est arrivé. Hier, M. Deramchi a parlé. « Nous partirons », dit-il.\nSamedi il part."
    assert [name.text for name in find_names(text)] == ["Deramchi"]


def test_measures_converted_between_unit_systems():
    """NTREX: the French and German convert what English and Arabic state in imperial units."""
    for converted, original in (("environ 209 km (130 miles)", "حوالي 130 ميلاً من"), ("l’animal pesant 250 kg", "the 550 pound hog"),
                                ("il faisait 26 degrés", "a sunny 80 degrees"), ("prévoient 5 à 10 cm", "2 إلى 4 بوصات"),
                                ("jusqu’à 135 km/h", "maximum winds of 85 miles per hour")):
        assert all(is_covered(n, profile(original)) for n in find_numbers(converted)), converted
        assert all(is_covered(n, profile(converted)) for n in find_numbers(original)), original
    assert find_numbers("pesant 250 kg")[0].text == "250 kg"
    assert not is_covered(find_numbers("pesant 250 kg")[0], profile("pesant 260 kg"))  # one unit: exact values
    assert not is_covered(find_numbers("26 degrés")[0], profile("27 Grad"))
    assert not is_covered(find_numbers("à 300 km")[0], profile("within 100 miles"))


def test_chinese_units_and_scales_glued_to_their_words():
    """NTREX zh keeps imperial units, glued to the words after them, where German and French convert them;
    "550多万" is more than 5.5 million."""
    for converted, chinese in (("ein 250 Kilo schwerer Eber", "这头 550 磅重的公猪"), ("1,98 m groß", "6.6英尺的身高"),
                               ("à 209 km de là", "在130英里外"), ("5,5 Millionen Syrer", "已有550多万叙利亚人")):
        assert is_covered(find_numbers(converted)[0], profile(chinese, "zh")), converted
        assert is_covered(find_numbers(chinese)[0], profile(converted, "de")), chinese
    assert find_numbers("这头 550 磅重的公猪")[0].text == "550 磅"  # the unit, not the words glued to it
    assert not is_covered(find_numbers("1,50 m groß")[0], profile("6.6英尺的身高", "zh"))


def test_chinese_times_name_the_part_of_the_day_first():
    """NTREX zh: "周六下午5：30" is Saturday at 17:30 ("17 h 30" in French); "下午3点" is 3 p.m."""
    assert is_covered(find_numbers("à 17 h 30")[0], profile("周六下午5：30", "zh"))
    assert is_covered(find_numbers("um 15:00 Uhr")[0], profile("下午3点", "zh"))
    assert not is_covered(find_numbers("à 17 h 30")[0], profile("上午5：30", "zh"))


def test_arabic_duals_decades_and_ordinals_cover_digits():
    """NTREX ar: "مليوني دولار" is "$2 million", "منذ عامين" "2 years ago", "الثمانينيات" "the 1980s",
    "الحادي والعشرين" (the twenty-first) "21st"; English "1950-53" ends in 1953."""
    for digits, arabic in (("raised $2 million", "تجمع مليوني دولار"), ("il y a 2 ans", "منذ عامين"),
                           ("the 2-2 draw", "التعادل بهدفين"), ("in the 1980s", "في الثمانينيات"),
                           ("dans les années 30", "في ثلاثينيات القرن العشرين"), ("his 21st birthday", "مولده الحادي والعشرين"),
                           ("600万", "ستة ملايين"), ("Nord Stream 2", "نورد ستريم الثانٍ")):
        assert is_covered(find_numbers(digits)[0], profile(arabic)), digits
    assert is_covered(find_numbers("من 1950 وحتى 1953")[1], profile("the 1950-53 Korea War"))
    assert number_word_values("ستة ملايين") >= {"n:6", "n:6e+06"}


def test_dates_after_titles_times_and_names():
    assert [d.text for d in find_dates("City affrontera Hoffenheim à 12h55 mardi")] == ["mardi"]
    assert find_dates("il a invité Mme May à renoncer") == [] and find_dates("ce personnage quasi-Teresa-May") == []
    assert find_dates("وقال جوان بويج، وهو عامل") == [] and find_dates("في 15 جوان 2018")[0].keys == {"month:6"}
    assert find_dates("mowing down cyclists on Oct. 31, 2017")[0].text == "Oct. 31, 2017"
    assert find_dates("ils étaient sept. Puis") == []


def test_possessives_and_hyphenated_names_found_across_scripts():
    assert is_covered(find_names("referred to Kavanaugh's nomination")[0], profile("إلى ترشُح كافانو", "ar"))
    assert is_covered(find_names("Les interventions en Virginie-Occidentale")[0], profile("تجمعات في فيرجينيا الغربية", "ar"))


def test_european_notations_of_decades_dates_and_times():
    """NTREX de/es/fr against each other."""
    assert is_covered(find_numbers("in den 1980er Jahren")[0], profile("dans les années 80"))
    assert is_covered(find_numbers("Guerra de Corea de 1950-53")[1], profile("von 1950 bis 1953"))
    assert is_covered(find_numbers("The victim, in his 40s, was")[0], profile("ein Mann in den Vierzigern"))
    assert is_covered(find_numbers("ihr 36. Treffen")[0], profile("su trigésimo sexta reunión"))
    assert [d.text for d in find_atoms("llegó el 3 de octubre de 2018", "es")] == ["3 de octubre de 2018"]
    assert [d.text for d in find_dates("à 12h55 mardi à la")] == ["mardi"]
    assert find_dates("ist samstags um 17:30 Uhr")[0].keys == {"weekday:6"}
    assert find_dates("on Oct. 31, 2017")[0].keys == {"month:10"}
    assert find_dates("il a invité Mme May à") == find_dates("instó a la Sra. May a") == []
    assert find_dates("May erklärte:", "de") == [] and find_dates("May 5 was", "en") != []
    assert is_covered(find_numbers("son las 5.30 de la tarde")[0], profile("um 17:30 Uhr"))
    assert is_covered(find_numbers("Um 14:00 Uhr befanden sich")[0], profile("A las dos de la tarde, había"))


def test_slashed_year_ranges_and_tokenised_month_abbreviations():
    """Text+Berg: "1952/53" is "1952 und 1953"; tokenised "( Nov . 1956 )" is "( novembre 1956 )"."""
    assert "n:1953" in sentence_keys("1952/53 , L.G.C.Pugh en physiologie")
    assert "month:11" in sentence_keys("The Alpine Journal , N° 293 ( Nov . 1956 )")
    assert find_dates("ils étaient sept . Puis") == []


def test_spanish_del_joins_a_name():
    assert [n.text for n in find_names("Las cifras de Corea del Norte caen", "es")] == ["Corea del Norte"]


def test_dates_written_in_digits_are_dates():
    """German and French news write dates in digits: "am 12.6.1956" is "le 12 juin 1956" (it was read as the
    number 126.196); with a slash either the day or the month may come first."""
    assert [(a.kind, a.text) for a in find_atoms("am 12.6.1956 erreichten sie", "de")] == [("date", "12.6.1956")]
    assert is_covered(find_atoms("am 12.6.1956 erreichten", "de")[0], profile("le 12 juin 1956", "fr"))
    assert is_covered(find_atoms("le 12 juin 1956", "fr")[0], profile("am 12.6.1956 erreichten", "de"))
    assert not is_covered(find_atoms("le 13 juin 1956", "fr")[0], profile("am 12.6.1956 erreichten", "de"))
    assert is_covered(find_atoms("on 6/24/2019 he said", "en")[0], profile("le 24 juin 2019", "fr"))
    assert find_dates("1.234.567 Euro") == [] and find_dates("um 10.15 Uhr") == []


def test_months_and_weekdays_of_every_language_the_default_encoder_reads():
    """CLDR's names in Italian, Portuguese, Dutch, Polish, Russian, Turkish, Japanese, Korean and Thai have the
    English keys; Slavic dates write the month in the genitive ("15 июля"), which CLDR gives too."""
    july = frozenset({"month:7"})
    for text, lang in [("martedì 15 luglio 2014", "it"), ("em 15 de julho de 2014", "pt"), ("op 15 juli 2014", "nl"),
                       ("15 lipca 2014 r.", "pl"), ("15 июля 2014 года", "ru"), ("15 Temmuz 2014", "tr"), ("7월 15일", "ko")]:
        assert july in [d.keys for d in find_dates(text, lang)], (text, lang)
    assert find_dates("em 15 de julho de 2014", "pt")[0].text == "15 de julho de 2014"
    monday = [d.keys for d in find_dates("July 14, a Monday", "en")][-1]
    for text, lang in [("lunedì", "it"), ("segunda-feira", "pt"), ("maandag", "nl"), ("poniedziałek", "pl"),
                       ("понедельник", "ru"), ("Pazartesi", "tr"), ("今週の月曜日に", "ja"), ("월요일에", "ko"),
                       ("วันจันทร์ที่", "th")]:
        assert [d.keys for d in find_dates(text, lang)] == [monday], (text, lang)


def test_a_month_name_is_one_only_in_its_own_language():
    """"marca" is March in Polish and a brand in Spanish; "Mars" is the planet in an English text."""
    assert find_dates("3 marca", "pl")[0].keys == {"month:3"} and find_dates("la marca de 3 coches", "es") == []
    assert find_dates("the Mars landing", "en") == [] and find_dates("le 3 mars", "fr")[0].keys == {"month:3"}


def test_month_names_that_are_common_words_need_a_day_or_a_year():
    """Turkish "ocak" is a hearth and Russian "среда" an environment, unless a date is written around them."""
    assert find_dates("ocak başında", "tr") == [] and find_dates("15 Ocak 2014", "tr")[0].keys == {"month:1"}
    assert find_dates("окружающая среда", "ru") == []


def test_japanese_words_are_runs_of_one_script():
    """Katakana spells foreign names, kanji native ones, hiragana the particles glued after them."""
    assert words("8月4日にブリュッセルで詳細を発表する。Istatによると", "ja") == [
        "月", "日", "ブリュッセル", "詳細", "発表", "Istat"]
