"""A Latin form of a name written in another script, proved by transliteration."""

from __future__ import annotations

import pytest

from summarizer._checks.names import is_latin_form


@pytest.mark.parametrize(
    ("name", "mention", "language"),
    [
        ("Sergei Ivanov", "Сергеем Ивановым", "ru"),
        ("Sergey Ivanov", "Сергей Иванов", "ru"),
        ("Ivanov Sergei", "Сергей Иванов", "ru"),
        ("Oleksandr Kovalenko", "Олександром Коваленком", "uk"),
        ("Wang Jianguo", "王建国", "zh"),
        ("Mohamed Ben Ali", "محمد بن علي", "ar"),
        ("Elias Mansour Akiki", "إلياس منصور عقيقي", "ar"),
    ],
)
def test_a_latin_form_of_a_name_in_another_script_is_proved(name, mention, language) -> None:
    assert is_latin_form(name, mention, language)


@pytest.mark.parametrize(
    ("name", "mention", "language"),
    [
        ("Ivan Petrov", "Сергеем Ивановым", "ru"),
        ("Ahmed Hassan", "محمد بن علي", "ar"),
        ("Li Wei", "王建国", "zh"),
        ("Wang Jianjun", "王建国", "zh"),  # one syllable off: pinyin has one spelling
        ("Сергей Иванов", "Сергей Иванов", "ru"),  # not a Latin form at all
    ],
)
def test_another_name_is_no_latin_form(name, mention, language) -> None:
    assert not is_latin_form(name, mention, language)
