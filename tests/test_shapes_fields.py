"""The shapes memo (lifecycle/shapes.py) keys a claim by its inputs less its identities. A field
added to the state machine's inputs must be placed in the key or named as an identity there;
this test fails until it is, so a new input cannot be silently left out of the key."""

import attrs

from edi837.lifecycle.events import Adjudication, ClaimFacts, LineFacts, LinePayment, Recoupment

KNOWN = {
    ClaimFacts: {
        "claim_id",
        "member_id",
        "frequency",
        "test",
        "billed",
        "sent_on",
        "written",
        "lines",
        "original_claim_id",
        "service_month",
        "category",
        "resent_as",
        "batch_id",
    },
    LineFacts: {
        "line_id",
        "charge",
        "procedure",
        "modifiers",
        "service_date",
        "end_date",
        "units",
        "expected_unpaid",
    },
    Adjudication: {
        "on",
        "status_code",
        "charge",
        "paid",
        "payer_claim_number",
        "patient_responsibility",
        "reasons",
        "remarks",
        "lines",
        "itemised",
        "trace",
        "named",
    },
    LinePayment: {"line_id", "charge", "paid", "reasons", "remarks"},
    Recoupment: {"on", "reason", "reference", "amount"},
}


def test_every_input_of_the_state_machine_is_known_to_the_shapes_key() -> None:
    for cls, known in KNOWN.items():
        fields = {field.name for field in attrs.fields(cls)}
        assert fields == known, (
            f"{cls.__name__}'s fields changed ({sorted(fields ^ known)}): place each new field "
            "in lifecycle/shapes.py's key (or its identities), then update this list"
        )
