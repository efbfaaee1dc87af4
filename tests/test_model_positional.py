"""The positional builder makes exactly what the class makes, or is the class itself."""

from __future__ import annotations

import pickle
import weakref

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edi837.model.acks import ClaimAck
from edi837.model.positional import fast_path_refused, positional
from edi837.model.remittance import ClaimParty, ClaimPayment, ServicePayment


@attrs.frozen(slots=True)
class Plain:
    a: int
    b: str = ""


@attrs.frozen(slots=True)
class Validated:
    a: int = attrs.field(validator=attrs.validators.instance_of(int))


@attrs.frozen(slots=True)
class Converted:
    a: int = attrs.field(converter=int)


@attrs.frozen(slots=True)
class Hooked:
    a: int

    def __attrs_post_init__(self) -> None:
        raise AssertionError("never built")


@attrs.frozen(slots=True, cache_hash=True)
class Cached:
    a: int


@attrs.frozen(slots=False)
class Unslotted:
    a: int


@attrs.frozen(slots=True)
class NotInInit:
    a: int
    b: int = attrs.field(init=False, default=0)


@pytest.mark.parametrize("cls", [Validated, Converted, Hooked, Cached, Unslotted, NotInInit])
def test_a_class_whose_init_may_do_more_than_store_gets_itself(cls: type) -> None:
    assert fast_path_refused(cls) is not None
    assert positional(cls) is cls


def test_the_built_object_is_the_class_s_own_and_frozen() -> None:
    build = positional(Plain)
    assert build is not Plain
    made = build(1, "x")
    assert type(made) is Plain
    assert made == Plain(1, "x")
    assert hash(made) == hash(Plain(1, "x"))
    assert repr(made) == repr(Plain(1, "x"))
    assert pickle.loads(pickle.dumps(made)) == made
    assert attrs.evolve(made, b="y") == Plain(1, "y")
    weakref.ref(made)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.a = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        build(1)  # every field must be given


values = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.decimals(allow_nan=False))


@pytest.mark.parametrize("cls", [ClaimPayment, ServicePayment, ClaimParty, ClaimAck])
@given(data=st.data())
def test_the_hot_models_built_positionally_equal_the_class_s_own(
    cls: type, data: st.DataObject
) -> None:
    fields = attrs.fields(cls)
    args = [data.draw(values) for _ in fields]
    made, expected = positional(cls)(*args), cls(*args)
    assert type(made) is cls
    assert [getattr(made, f.name) for f in fields] == [getattr(expected, f.name) for f in fields]
    assert made == expected


def test_the_277ca_reader_builds_its_claims_on_the_fast_path() -> None:
    # the 277CA decoder builds one ClaimAck a claim: a validator added to it must be seen here
    from edi837.ack import x277ca

    assert fast_path_refused(ClaimAck) is None
    assert x277ca._new_claim_ack is not ClaimAck
