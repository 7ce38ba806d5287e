"""Personal names by culture (José García, Zoë O'Brien, Wei Ng) and their ASCII email forms.

Each culture has female and male first names and last names; countries say who lives there.
"""

import unicodedata
from dataclasses import dataclass
from typing import Final

import numpy as np


@dataclass(frozen=True)
class Culture:
    name: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]


def _split(words: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in words.split(","))


CULTURES: Final = (
    Culture("anglo",
            _split("Emma, Olivia, Sarah, Jessica, Emily, Hannah, Megan, Laura, Rachel, "
                   "Katherine, Amanda, Lauren, Zoë, Grace, Charlotte, Abigail, Madison, Ashley"),
            _split("James, John, Michael, David, Daniel, Matthew, Christopher, Andrew, Ryan, "
                   "Kevin, Brian, Thomas, William, Joshua, Liam, Noah, Benjamin, Patrick"),
            _split("Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, "
                   "Taylor, Thomas, Moore, Martin, Thompson, White, Harris, Clark, Lewis, "
                   "Walker, Young, O'Brien, O'Connor, McDonald, Campbell, Murphy, Bennett")),
    Culture("hispanic",
            _split("María, Lucía, Sofía, Carmen, Ana, Isabel, Valentina, Camila, Elena, "
                   "Paula, Ximena, Guadalupe"),
            _split("José, Juan, Luis, Carlos, Javier, Miguel, Alejandro, Diego, Andrés, "
                   "Sergio, Raúl, Jesús"),
            _split("García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, "
                   "Ramírez, Torres, Flores, Gómez, Díaz, Núñez, Muñoz, Jiménez, Ruiz, Castillo, "
                   "Ortiz")),
    Culture("lusophone",
            _split("Ana, Beatriz, Júlia, Larissa, Mariana, Gabriela, Letícia, Fernanda, Camila"),
            _split("João, Pedro, Lucas, Gabriel, Rafael, Thiago, Matheus, Gustavo, Felipe"),
            _split("Silva, Santos, Oliveira, Souza, Costa, Pereira, Ferreira, Almeida, Carvalho, "
                   "Gonçalves, Araújo, Ribeiro")),
    Culture("germanic",
            _split("Anna, Lena, Sophie, Marie, Katharina, Julia, Ingrid, Astrid, Sanne, Freja, "
                   "Greta, Maja"),
            _split("Lukas, Jonas, Felix, Maximilian, Stefan, Tobias, Björn, Sven, Lars, Jan, "
                   "Daan, Søren, Jürgen"),
            _split("Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Hoffmann, "
                   "Schäfer, Koch, de Vries, van Dijk, Jansen, Andersson, Johansson, Lindqvist, "
                   "Nilsson, Bakker, Østergaard")),
    Culture("french",
            _split("Camille, Léa, Manon, Chloé, Inès, Juliette, Élodie, Amélie, Clémence, "
                   "Margaux"),
            _split("Louis, Hugo, Théo, Julien, Nicolas, Antoine, François, Mathieu, Jérôme, "
                   "Rémi, Benoît"),
            _split("Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, "
                   "Moreau, Lefèvre, Girard, Mercier, Fontaine, Chevalier")),
    Culture("indian",
            _split("Priya, Ananya, Aisha, Divya, Kavya, Neha, Pooja, Sneha, Lakshmi, Meera, "
                   "Shreya"),
            _split("Rahul, Arjun, Vikram, Rohan, Amit, Sanjay, Aditya, Karthik, Rajesh, Suresh, "
                   "Anil, Vivek"),
            _split("Patel, Sharma, Singh, Kumar, Gupta, Reddy, Iyer, Nair, Rao, Mehta, Joshi, "
                   "Das, Chatterjee, Menon, Pillai")),
    Culture("east_asian",
            _split("Yuki, Sakura, Mei, Hana, Aiko, Xin, Jia, Yuna, Min-ji, Linh"),
            _split("Hiroshi, Kenji, Takumi, Wei, Jun, Hao, Minh, Sung-min, Daisuke, Ren"),
            _split("Ng, Chen, Wang, Li, Zhang, Liu, Tanaka, Suzuki, Sato, Nakamura, Kim, Park, "
                   "Lee, Nguyễn, Tran, Wong, Lim, Tan")),
    Culture("west_african",
            _split("Ngozi, Chiamaka, Amara, Adaeze, Folake, Zainab, Funmilayo, Abena"),
            _split("Chinedu, Emeka, Oluwaseun, Tunde, Ibrahim, Kwame, Chukwuemeka, Segun"),
            _split("Okafor, Adeyemi, Okonkwo, Eze, Balogun, Mensah, Abubakar, Nwosu, Adebayo, "
                   "Bello")),
)  # fmt: skip
CULTURE_INDEX: Final = {culture.name: index for index, culture in enumerate(CULTURES)}

_LETTERS: Final = {"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d"}


def ascii_form(name: str) -> str:
    """`name` as an email local part would spell it: 'Zoë O'Brien' -> 'zoeobrien'."""
    lowered = "".join(_LETTERS.get(char, char) for char in name.lower())
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


@dataclass(frozen=True)
class NameTable:
    """Every first and last name once, and per culture (and gender) the slice holding its own."""

    first: tuple[str, ...]
    first_start: np.ndarray  # [cultures, 2 genders (female, male)]
    first_count: np.ndarray
    last: tuple[str, ...]
    last_start: np.ndarray  # [cultures]
    last_count: np.ndarray

    def ascii_first(self) -> tuple[str, ...]:
        return tuple(ascii_form(name) for name in self.first)

    def ascii_last(self) -> tuple[str, ...]:
        return tuple(ascii_form(name) for name in self.last)


def name_table() -> NameTable:
    first = [name for c in CULTURES for names in (c.female, c.male) for name in names]
    first_count = np.array([(len(c.female), len(c.male)) for c in CULTURES], dtype=np.int64)
    last_count = np.array([len(c.last) for c in CULTURES], dtype=np.int64)
    return NameTable(
        first=tuple(first),
        first_start=(np.cumsum(first_count) - first_count.ravel()).reshape(first_count.shape),
        first_count=first_count,
        last=tuple(name for c in CULTURES for name in c.last),
        last_start=np.cumsum(last_count) - last_count,
        last_count=last_count,
    )
