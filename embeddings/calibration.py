"""Put every encoder's cosines on one scale: the one align's thresholds were measured on.

Every similarity threshold in :mod:`align` (what counts as a translation, as unrelated
text, as a name said in other words) was measured with USE multilingual v3. Some
encoders, multilingual-e5 among them, place all their vectors in a narrow cone: unrelated
sentences of different news articles score .81 there and translations .91 (NTREX ar-fr),
against .05 and .61 with USE. Every threshold then reads "everything says the same".
Taking out the direction the cone points to (the mean of a fixed set of probe sentences
on unrelated topics) spreads the vectors again: e5's unrelated pairs drop to -.04 and its
translations to .50 (ar-fr) and .67 (en-de), about USE's .61 and .79.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import numpy as np

from .encoder import Encoder, WrappedEncoder, normalise_rows

log = logging.getLogger(__name__)

# Unrelated sentences in several languages and scripts: their mean is what an encoder
# puts in every vector whatever the text says.
PROBE_TEXTS = (
    "The council approved the new budget for public schools on Tuesday.",
    "Heavy rain flooded several villages in the north of the country.",
    "She won the marathon in just over two hours.",
    "The museum will reopen after a year of renovation work.",
    "Le prix du pain a augmenté de dix pour cent en un an.",
    "Les joueurs ont célébré leur victoire avec les supporters.",
    "Une nouvelle ligne de train reliera les deux villes en 2030.",
    "Der Vulkan ist seit dem Wochenende wieder aktiv.",
    "Die Firma stellt zweihundert neue Mitarbeiter ein.",
    "Im Herbst beginnt die Ernte der Äpfel.",
    "El gobierno anunció una reforma del sistema de pensiones.",
    "Los científicos descubrieron una nueva especie de rana.",
    "افتتحت الجامعة مكتبة جديدة للطلاب.",
    "ارتفعت درجات الحرارة إلى أربعين درجة هذا الأسبوع.",
    "وقّع البلدان اتفاقية للتعاون في مجال الطاقة.",
    "这家医院明年将增加一百张病床。",
    "昨天的音乐会吸引了数千名观众。",
    "Полиция задержала двух подозреваемых в краже.",
    "Фермеры ждут дождя уже третий месяц.",
    "A ponte foi fechada para reparações durante o inverno.",
    "Il ristorante è famoso per la sua pasta fatta in casa.",
    "Yeni havalimanı gelecek yıl hizmete girecek.",
    "電気自動車の販売が急増している。",
    "De kinderen leren zwemmen in het nieuwe zwembad.",
)
# Unrelated probes are this similar or more (median cosine of two of them): the encoder's
# vectors share a direction that says nothing about the text. Measured on PROBE_TEXTS:
# multilingual-e5-small .79; USE-m3 .11 and all-MiniLM-L6 .15 (left as they are).
SHARED_DIRECTION_MIN = 0.5


class Calibrated(WrappedEncoder):
    """Wraps an Encoder: its vectors without the direction all of them share, when they share one.

    The probe runs when first needed (through the wrapped encoder, so a cache answers it
    after the first run); an encoder whose vectors share no direction is passed through
    unchanged. Otherwise the name says the vectors differ from the wrapped encoder's, so
    a store never mixes the two.
    """

    def __init__(self, encoder: Encoder) -> None:
        super().__init__(encoder)
        self._shared: np.ndarray | None = None
        self._probed = False
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.encoder.name if self._shared_direction() is None else f"{self.encoder.name}-centred"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        shared = self._shared_direction()
        vectors = self.encoder.encode(texts)
        if shared is None or not len(vectors):
            return vectors
        return normalise_rows(vectors - np.outer(vectors @ shared, shared))

    def _shared_direction(self) -> np.ndarray | None:
        with self._lock:
            if not self._probed:
                self._shared = shared_direction(self.encoder.encode(list(PROBE_TEXTS)))
                self._probed = True
                log.debug("%s: %s", self.encoder.name, "shared direction removed" if self._shared is not None else "isotropic")
            return self._shared


def shared_direction(probe_vectors: np.ndarray) -> np.ndarray | None:
    """The unit direction unrelated texts' vectors share (their mean's), or None when they
    are not similar enough to share one (see SHARED_DIRECTION_MIN)."""
    similarities = probe_vectors @ probe_vectors.T
    unrelated = float(np.median(similarities[~np.eye(len(probe_vectors), dtype=bool)]))
    if unrelated < SHARED_DIRECTION_MIN:
        return None
    mean = probe_vectors.mean(axis=0)
    return mean / np.linalg.norm(mean)
