#!/usr/bin/env python3
"""pydantic v2 validation throughput for bookings.CreateBookingRequest from JSON bytes
(model_validate_json), the peer of validation-bench's booking_* cases. Same harness and output as
shared/peers/py/pydantic_bench.py (one JSON line per case; min(n, 10000) warm-up calls, then n).

The model has the constraints of schemas/bookings.yaml:
  eventId uuid; seats Seat[] (row pattern ^[A-Z]{1,2}$, number 1..500; 1..10 items, unique);
  payment: a union tagged by `method`: card {token minLength 8, last4 pattern ^[0-9]{4}$}
  | invoice {company 1..120, vatNumber? maxLength 20} | free {voucher 4..40; unknown keys stripped};
  notes? maxLength 500; metadata? map<string> (values maxLength 200, at most 10 properties).
Unknown keys are rejected (extra="forbid") except in FreeTicket (unknownFields: strip).
Optional fields may be absent but not null, as in the schema: their type is not Optional and
the default (None) is not validated.

Usage: pydantic_booking.py [-n 200000]"""
import argparse
import json
import time
from typing import Annotated, Literal, Union
from uuid import UUID

import pydantic
import pydantic_core
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

# Byte-identical to Benchmarks/Sources/validation-bench/main.swift.
VALID = (b'{"eventId":"3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d","seats":[{"row":"A","number":12},'
         b'{"row":"A","number":13},{"row":"BC","number":7}],"payment":{"method":"card",'
         b'"token":"tok_visa_4242abcd","last4":"4242"},"notes":"Aisle seats if possible",'
         b'"metadata":{"source":"web","campaign":"spring-sale"}}')
INVALID = (b'{"eventId":"not-a-uuid","seats":[{"row":"a1","number":0},{"row":"B","number":501}],'
           b'"payment":{"method":"card","token":"short","last4":"42x"}}')
INVALID_ISSUES = [  # (loc, type), in pydantic's order
    (("eventId",), "uuid_parsing"),
    (("seats", 0, "row"), "string_pattern_mismatch"),
    (("seats", 0, "number"), "greater_than_equal"),
    (("seats", 1, "number"), "less_than_equal"),
    (("payment", "card", "token"), "string_too_short"),
    (("payment", "card", "last4"), "string_pattern_mismatch"),
]


class Seat(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)  # frozen: hashable, for the uniqueness check
    row: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}$")]
    number: Annotated[int, Field(ge=1, le=500)]


def unique_seats(seats):
    if len(set(seats)) != len(seats):
        raise ValueError("array items must be unique")
    return seats


class CardPayment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["card"]
    token: Annotated[str, StringConstraints(min_length=8)]
    last4: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]


class InvoicePayment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["invoice"]
    company: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    vatNumber: Annotated[str, StringConstraints(max_length=20)] = None


class FreeTicket(BaseModel):
    model_config = ConfigDict(extra="ignore")  # unknownFields: strip
    method: Literal["free"]
    voucher: Annotated[str, StringConstraints(min_length=4, max_length=40)]


Payment = Annotated[Union[CardPayment, InvoicePayment, FreeTicket], Field(discriminator="method")]


class CreateBookingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    eventId: UUID
    seats: Annotated[list[Seat], Field(min_length=1, max_length=10), AfterValidator(unique_seats)]
    payment: Payment
    notes: Annotated[str, StringConstraints(max_length=500)] = None
    metadata: Annotated[dict[str, Annotated[str, StringConstraints(max_length=200)]], Field(max_length=10)] = None


def bench(name, fn, n):
    for _ in range(min(n, 10000)):  # warm-up
        fn()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    el = time.perf_counter() - t0
    print(json.dumps({"impl": f"pydantic-{pydantic.VERSION}/core-{pydantic_core.__version__}",
                      "bench": name, "n": n, "seconds": el, "ops_per_s": n / el,
                      "ns_per_op": el / n * 1e9}), flush=True)


def check(v):
    """The payloads give what they should, before anything is timed."""
    booking = v(VALID)
    assert booking.eventId == UUID("3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d")
    assert [(s.row, s.number) for s in booking.seats] == [("A", 12), ("A", 13), ("BC", 7)]
    assert isinstance(booking.payment, CardPayment) and booking.payment.last4 == "4242"
    assert booking.notes == "Aisle seats if possible"
    assert booking.metadata == {"source": "web", "campaign": "spring-sale"}
    assert v(booking.model_dump_json()) == booking
    try:
        v(INVALID)
        raise SystemExit("invalid payload validated?!")
    except ValidationError as e:
        got = [(tuple(err["loc"]), err["type"]) for err in e.errors()]
        assert got == INVALID_ISSUES, got
    # The constraints that the timed payloads do not exercise.
    for bad in [
        VALID.replace(b'{"row":"BC","number":7}', b'{"row":"A","number":12}'),  # duplicate seat
        VALID.replace(b'"seats":[', b'"seats":[' + b'{"row":"Z","number":1},' * 8),  # 11 seats
        VALID.replace(b'"notes":"Aisle seats if possible"', b'"notes":null'),  # optional, not nullable
        VALID.replace(b'"method":"card"', b'"method":"cash"'),  # unknown tag
        VALID.replace(b'"last4":"4242"', b'"last4":"4242","cvc":"123"'),  # unknown key
        VALID.replace(b'"source":"web"', b'"source":"' + b"w" * 201 + b'"'),  # map value too long
    ]:
        try:
            v(bad)
            raise SystemExit(f"accepted {bad!r}")
        except ValidationError:
            pass
    free = v(VALID.replace(b'"method":"card","token":"tok_visa_4242abcd","last4":"4242"',
                           b'"method":"free","voucher":"SPRING","extra":1'))
    assert isinstance(free.payment, FreeTicket)  # extra key stripped, not rejected


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-n", type=int, default=200_000)
    a = p.parse_args()
    v = CreateBookingRequest.model_validate_json
    check(v)

    def valid():
        v(VALID)

    def invalid():
        try:
            v(INVALID)
        except ValidationError:
            pass

    def valid_roundtrip():  # as pydantic_bench.py: validate, then re-serialize
        v(VALID).model_dump_json()

    bench("booking_validate_json_valid", valid, a.n)
    bench("booking_validate_json_invalid", invalid, a.n)
    bench("booking_validate_json_valid+dump_json", valid_roundtrip, a.n)


if __name__ == "__main__":
    main()
