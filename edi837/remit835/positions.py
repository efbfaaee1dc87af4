"""Where each 835 element sits, looked up once from the segment dictionary by its refdes.

This is the only module that turns refdes names (``CLP04``, ``SVC01-2``) into list indexes; the
decoder uses the constants below and never a bare number. Element ``n`` of a segment is at index
``n`` of the element list the tokenizer yields (index 0 is the segment ID); component ``k`` of a
composite is at index ``k - 1`` after splitting on the component separator.
"""

from __future__ import annotations

from edi837.errors import SpecError
from edi837.x12 import spec


def element(ref: str) -> int:
    """Index of a simple or composite element: ``CLP04`` -> 4, ``N101`` -> 1."""
    return spec.segment(ref[:-2]).position(ref)


def component(ref: str) -> tuple[int, int]:
    """(element index, component index) of a component: ``SVC01-2`` -> (1, 1)."""
    composite, _, number = ref.partition("-")
    position = element(composite)
    components = spec.segment(composite[:-2]).element(composite).components
    names = [c.ref for c in components]
    if ref not in names:
        raise SpecError(f"{composite} has no component {ref}")
    return position, int(number) - 1


def numeric_elements(seg_id: str) -> tuple[tuple[str, int], ...]:
    """(refdes, index) of every decimal (R) element of a segment: TS3, TS2, MIA figures."""
    segment = spec.segment(seg_id)
    return tuple((e.ref, i) for i, e in enumerate(segment.elements, 1) if e.type == "R")


# ST / BPR / TRN / CUR ---------------------------------------------------------------------------
ST01, ST02, ST03 = element("ST01"), element("ST02"), element("ST03")
BPR01, BPR02, BPR03 = element("BPR01"), element("BPR02"), element("BPR03")
BPR04, BPR05, BPR16 = element("BPR04"), element("BPR05"), element("BPR16")
BPR_BANKING = tuple(element(f"BPR{n:02d}") for n in range(6, 16))  # BPR06 .. BPR15
TRN02, TRN03, TRN04 = element("TRN02"), element("TRN03"), element("TRN04")
CUR02 = element("CUR02")

# common segments --------------------------------------------------------------------------------
REF01, REF02 = element("REF01"), element("REF02")
DTM01, DTM02 = element("DTM01"), element("DTM02")
AMT01, AMT02 = element("AMT01"), element("AMT02")
QTY01, QTY02 = element("QTY01"), element("QTY02")
LQ01, LQ02 = element("LQ01"), element("LQ02")
PER01, PER02 = element("PER01"), element("PER02")
PER_NUMBERS = tuple((element(f"PER{q:02d}"), element(f"PER{q + 1:02d}")) for q in (3, 5, 7))

# 1000A / 1000B ----------------------------------------------------------------------------------
N101, N102, N103, N104 = element("N101"), element("N102"), element("N103"), element("N104")
N301, N302 = element("N301"), element("N302")
N401, N402, N403, N404 = element("N401"), element("N402"), element("N403"), element("N404")
RDM01, RDM02, RDM03 = element("RDM01"), element("RDM02"), element("RDM03")

# 2000 -------------------------------------------------------------------------------------------
LX01 = element("LX01")
TS301, TS302, TS303 = element("TS301"), element("TS302"), element("TS303")
TS304, TS305 = element("TS304"), element("TS305")
TS3_NAMED = frozenset({"TS304", "TS305"})
TS3_FIGURES = tuple(f for f in numeric_elements("TS3") if f[0] not in TS3_NAMED)
TS2_FIGURES = numeric_elements("TS2")

# 2100 -------------------------------------------------------------------------------------------
CLP01, CLP02, CLP03, CLP04 = element("CLP01"), element("CLP02"), element("CLP03"), element("CLP04")
CLP05, CLP06, CLP07, CLP08 = element("CLP05"), element("CLP06"), element("CLP07"), element("CLP08")
CLP09, CLP11, CLP12, CLP13 = element("CLP09"), element("CLP11"), element("CLP12"), element("CLP13")
CLP_WIDTH = CLP13 + 1  # the decoder pads a CLP to this many elements before reading it

CAS01 = element("CAS01")
# the six (reason, amount, quantity) triplets of a CAS
CAS_TRIPLETS = tuple(
    (element(f"CAS{n:02d}"), element(f"CAS{n + 1:02d}"), element(f"CAS{n + 2:02d}"))
    for n in range(2, 20, 3)
)

NM101, NM102, NM103, NM104 = element("NM101"), element("NM102"), element("NM103"), element("NM104")
NM105, NM107, NM108, NM109 = element("NM105"), element("NM107"), element("NM108"), element("NM109")
NM1_WIDTH = NM109 + 1

MIA01, MIA04 = element("MIA01"), element("MIA04")
MIA_REMARKS = tuple(element(f"MIA{n:02d}") for n in (5, 20, 21, 22, 23))  # MIA24 is money
MIA_NAMED = frozenset({"MIA01", "MIA04"})
MIA_FIGURES = tuple(f for f in numeric_elements("MIA") if f[0] not in MIA_NAMED)
MOA01, MOA02, MOA08, MOA09 = element("MOA01"), element("MOA02"), element("MOA08"), element("MOA09")
MOA_REMARKS = tuple(element(f"MOA{n:02d}") for n in range(3, 8))

# 2110 -------------------------------------------------------------------------------------------
SVC01, SVC02, SVC03 = element("SVC01"), element("SVC02"), element("SVC03")
SVC04, SVC05, SVC06, SVC07 = element("SVC04"), element("SVC05"), element("SVC06"), element("SVC07")
SVC_WIDTH = SVC07 + 1
# components of the procedure composites SVC01 and SVC06 (the same C003 layout)
PROC_QUALIFIER = component("SVC01-1")[1]
PROC_CODE = component("SVC01-2")[1]
PROC_MODIFIERS = slice(component("SVC01-3")[1], component("SVC01-6")[1] + 1)
PROC_DESCRIPTION = component("SVC01-7")[1]

# PLB --------------------------------------------------------------------------------------------
PLB01, PLB02 = element("PLB01"), element("PLB02")
# the six (adjustment identifier composite, amount) pairs of a PLB
PLB_PAIRS = tuple((element(f"PLB{n:02d}"), element(f"PLB{n + 1:02d}")) for n in range(3, 15, 2))
PLB_REASON = component("PLB03-1")[1]
PLB_REFERENCE = component("PLB03-2")[1]
