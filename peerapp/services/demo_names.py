"""Names for the demo organisation, built from parts by number.

A million people need a million different names (each email is made from its
name): every first and last name pair first, then the same pairs with a middle
initial. Number ``n`` of that space is always the same name, so a sample of
numbers is a sample of distinct names without a set of a million strings.
"""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    """
Aaliyah Aarav Abdul Abena Ada Adaeze Adam Adele Adrian Agnes Ahmed Aiko Aisha Akira Alba Alejandro
Aleksander Alice Alina Amara Amelia Amir Ana Anders Andile Andrea Aneesh Anika Anton Arash Arjun
Astrid Aurora Ava Ayesha Barbara Bashir Beatriz Ben Bianca Bilal Bjorn Bruno Caio Camila Carlos
Carmen Catalina Cecile Chen Chiara Chidi Chloe Clara Dalia Dana Daniel Dara Darius David Dev Diego
Dimitri Divya Ebony Eduardo Efua Elena Elias Elif Elijah Eliza Ella Emeka Emil Emma Enzo Erik
Esther Ethan Eva Ewa Farid Fatima Felix Femi Fernando Finn Fiona Freya Gabriel Gemma George Giulia
Goran Grace Hamza Hana Hannah Haruto Hassan Helena Henrik Hiro Hiroshi Hugo Hyun Ian Ibrahim Ida
Ifeoma Ilse Imani Ines Ingrid Isaac Isabel Ivan Jack Jade Jakub Jamal James Jasmine Javier Jelena
Jia Jin Joanna Joao Jonas Jorge Joseph Julia Julian Kai Kamala Karim Karin Kate Keiko Kenji Kevin
Khalid Kiran Kofi Kwame Laila Lars Laura Layla Lea Leila Lena Leo Li Liam Lina Lorenzo Lucas Lucia
Luis Lukas Mahmoud Maja Malik Marco Marek Maria Mariam Marta Mateo Matilda Max Maya Mei Mia
Michael Miguel Milan Mina Mohammed Nadia Nalini Naomi Nasser Nia Niamh Nikhil Nina Noah Nora Obi
Olga Oliver Olivia Olu Omar Oscar Oskar Pablo Paolo Patrick Paula Pedro Petra Pia Priyanka Quinn
Rafael Rahul Rania Ravi Rebecca Ren Riya Rohan Rosa Ruby Ryan Saanvi Sade Sakura Salma Samuel Sana
Sara Sebastian Selin Shreya Simone Sofia Sophie Stefan Sunita Sven Tanvi Tariq Tessa Thabo Theo
Thiago Thomas Tomas Tuan Uma Valentina Vera Victor Vikram Vivek Wei Wen William Ximena Yara Yasmin
Yosef Yuki Yusuf Zainab Zara Zeynep Zoe Zoran
"""
)
LAST_NAMES = _words(
    """
Abara Abbott Adeyemi Adler Afolabi Aguilar Ahmed Ahn Akhtar Akinyi Almeida Alvarez Amato Andersen
Andersson Ansah Aoki Arslan Asante Bailey Baker Banerjee Baptiste Barros Bauer Becker Bell Berg
Bianchi Bondarenko Bose Brandt Brennan Brooks Bui Byrne Campbell Cardoso Carter Castillo Castro
Chatterjee Chen Cho Choi Clarke Cohen Collins Conti Costa Cruz Dahl Dang Das Davies Delgado Diallo
Dias Dimitrov Duarte Dubois Dunn Edwards Egwu Eriksen Espinoza Evans Eze Falk Farah Fernandes
Ferrari Ferreira Fischer Fitzgerald Flores Fontaine Fraser Fujita Gallo Garcia Ghosh Gill Gomez
Gonzalez Grant Greco Gupta Haddad Hakimi Hall Hansen Hashemi Hayes Herrera Hoang Hoffmann Horvath
Hughes Hussain Ibrahim Ito Iyer Jackson Jansen Jensen Jimenez Johansson Jones Joshi Jovanovic
Kamau Kang Kapoor Karlsson Kaur Keller Kelly Khan Kim Klein Kobayashi Koch Kovacs Kowal Kowalski
Kruger Kumar Lam Larsen Laurent Le Lee Lehmann Lim Lindberg Lindqvist Liu Lopez Lund Madsen
Mahmoud Malik Marino Martin Martinez Masson Mbeki Mehta Mendes Mensah Meyer Miller Mishra Molina
Moreau Moreno Morris Muller Murphy Nagy Nair Nakamura Navarro Ndlovu Nguyen Nielsen Novak Novotny
Nowak Nunez Obi Odhiambo Ogunleye Okafor Okeke Oliveira Olsen Onyango Ortiz Osei Owusu Ozturk Park
Patel Pereira Perez Petrov Pham Phillips Pinto Popescu Quinn Quintero Rahman Ramirez Rao Reddy
Reyes Ribeiro Richter Rivera Rocha Rodriguez Romano Rossi Russo Saito Salazar Sandoval Santos Sato
Sauer Schmidt Schneider Schulz Sepulveda Shah Shapiro Sharma Silva Singh Sokolov Song Sorensen
Sousa Stein Stewart Strand Sullivan Suzuki Svoboda Tadesse Takahashi Tan Tanaka Taylor Thapa
Thomas Tiwari Torres Toth Tran Turner Usman Valdez Varga Vargas Vasquez Vidal Vogel Volkov Wachira
Wagner Walker Walsh Wang Watanabe Weber Weiss Wilson Wojcik Wong Wright Xu Yadav Yamamoto Yang
Yildiz Yilmaz Yoon Young Zamora Zhang Zhao Zhou Zhu Zimmermann Zubiri
"""
)
# Initials that read as initials (no I, O, Q, U, X, Y, Z).
MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTVW"


def capacity() -> int:
    """How many different names there are."""
    return len(FIRST_NAMES) * len(LAST_NAMES) * (1 + len(MIDDLE_INITIALS))


def name_at(number: int) -> tuple[str, str]:
    """Name ``number`` of the space, and its email address."""
    pairs = len(FIRST_NAMES) * len(LAST_NAMES)
    initial, pair = divmod(number, pairs)
    first, last = FIRST_NAMES[pair // len(LAST_NAMES)], LAST_NAMES[pair % len(LAST_NAMES)]
    if initial == 0:
        return f"{first} {last}", f"{first}.{last}@example.com".lower()
    letter = MIDDLE_INITIALS[initial - 1]
    return f"{first} {letter}. {last}", f"{first}.{letter}.{last}@example.com".lower()


def number_of(full_name: str) -> int | None:
    """The number of ``full_name`` in the space, or None when it is not one of its names."""
    parts = full_name.split()
    letters = {letter: index + 1 for index, letter in enumerate(MIDDLE_INITIALS)}
    initial = letters.get(parts[1].rstrip(".")) if len(parts) == 3 else 0
    if initial is None or len(parts) not in (2, 3) or (len(parts) == 3 and parts[1][-1:] != "."):
        return None
    firsts = {name: index for index, name in enumerate(FIRST_NAMES)}
    lasts = {name: index for index, name in enumerate(LAST_NAMES)}
    first, last = firsts.get(parts[0]), lasts.get(parts[-1])
    if first is None or last is None:
        return None
    return (initial * len(FIRST_NAMES) + first) * len(LAST_NAMES) + last


def pick_names(rng: random.Random, count: int, taken: set[str]) -> list[int]:
    """Numbers of ``count`` different names, none of them ``taken``.

    Plain first and last names come first, as in a real company; only a company
    larger than the pairs gives people middle initials.
    """
    pairs = len(FIRST_NAMES) * len(LAST_NAMES)
    need = count + len(taken)
    if need > capacity():
        raise ValueError(f"only {capacity()} different names for {need} people")
    numbers = rng.sample(range(pairs), min(need, pairs))
    if need > pairs:
        numbers += rng.sample(range(pairs, capacity()), need - pairs)
    skip = {number_of(name) for name in taken}
    picked = [n for n in numbers if n not in skip][:count]
    if need > pairs:
        rng.shuffle(picked)  # managers are picked first: initials for everyone alike
    return picked
