#!/usr/bin/env python3
"""Writes a deterministic, valid schema set for the generator benchmark.

Usage: scripts/make-large-schema.py N_MESSAGES N_SUBJECTS OUTDIR

OUTDIR receives one `<namespace>.yaml` per namespace (about 50 messages each, at least 2
namespaces). Messages use every field type (string, int, double, bool, uuid, datetime, date,
json, enums, messages, arrays, maps), most constraints (lengths, formats, patterns, inline
enums, bounds, multipleOf, item and property counts, uniqueItems), optional / nullable /
default / secret / description fields, `unknownFields: strip`, tagged unions, references within
a namespace and qualified references to the previous namespace. Subjects are requests (with
`{id}` subject tokens, locks, HTTP routes, errors, timeouts) and events (some on a stream).
The same arguments always give byte-identical files; nothing random, no timestamps.
"""
import os
import sys

NAMESPACE_WORDS = [
    "catalog", "orders", "billing", "shipping", "inventory", "accounts", "reviews", "search",
    "notify", "analytics", "pricing", "support", "media", "loyalty", "venues", "tickets",
]
NOUNS = [
    "Item", "Order", "Invoice", "Parcel", "Stock", "Account", "Review", "Query", "Notice", "Metric",
    "Price", "Ticket", "Asset", "Reward", "Venue", "Slot", "Batch", "Quote", "Refund", "Profile",
]
MESSAGES_PER_NAMESPACE = 50


def quote(text):
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Namespace:
    def __init__(self, index, name, message_count, previous):
        self.index = index
        self.name = name
        self.message_count = message_count
        self.previous = previous  # the Namespace before this one, for qualified references
        self.records = []  # names of record messages, in order
        self.unions = []
        self.enums = {
            "Priority": ["low", "normal", "high", "urgent"],
            "Channel": ["email", "sms", "push", "webhook"],
            f"{name.capitalize()}State": ["draft", "active", "suspended", "closed"],
        }
        self.errors = {
            "NotFound": (404, f"No such {name} resource."),
            "Conflict": (409, f"The {name} resource changed meanwhile."),
            "Forbidden": (403, f"You may not change this {name} resource."),
        }
        self.lines = []

    def field_lines(self, message_index, record_names_so_far):
        """The fields of record number `message_index`: `id: uuid` first, then 4 to 11 varied fields."""
        k = self.index * 1000 + message_index
        fields = [("id", "uuid")]
        kinds = [
            lambda: ("title", f"{{ type: string, minLength: 1, maxLength: {40 + k % 200} }}"),
            lambda: ("email", "{ type: string, format: email, maxLength: 254, example: a@example.com }"),
            lambda: ("website", "{ type: string, format: uri, optional: true }"),
            lambda: ("host", "{ type: string, format: hostname, optional: true }"),
            lambda: ("address", "{ type: string, format: ipv4, nullable: true }"),
            lambda: ("code", f"{{ type: string, pattern: {quote('^[A-Z]{2,4}-[0-9]+$')}, example: AB-{k} }}"),
            lambda: ("mode", "{ type: string, enum: [fast, safe, auto], default: auto }"),
            lambda: ("quantity", f"{{ type: int, min: 0, max: {1000 + k} }}"),
            lambda: ("step", "{ type: int, min: 5, multipleOf: 5, default: 10, description: Step in units of 5. }"),
            lambda: ("ratio", "{ type: double, exclusiveMin: 0, max: 1000000 }"),
            lambda: ("active", "{ type: bool, default: false }"),
            lambda: ("createdAt", "datetime"),
            lambda: ("day", "{ type: date, optional: true }"),
            lambda: ("extra", "{ type: json, optional: true }"),
            lambda: ("priority", "{ type: Priority, default: normal }"),
            lambda: ("channels", "{ type: \"Channel[]\", minItems: 1, maxItems: 4, uniqueItems: true }"),
            lambda: ("tags", "{ type: \"string[]\", maxItems: 10, uniqueItems: true, optional: true, minLength: 1, maxLength: 30 }"),
            lambda: ("scores", "{ type: \"int[]\", maxItems: 50, min: 0, max: 100 }"),
            lambda: ("labels", "{ type: \"map<string>\", maxProperties: 20, optional: true, maxLength: 100 }"),
            lambda: ("counters", "{ type: \"map<int>\", minProperties: 1, maxProperties: 8, min: 0 }"),
            lambda: ("secretKey", "{ type: string, minLength: 16, maxLength: 128, secret: true, optional: true }"),
            lambda: ("note", "{ type: string, maxLength: 500, nullable: true, deprecated: true }"),
            lambda: ("state", f"{{ type: {self.name.capitalize()}State, default: draft }}"),
        ]
        count = 4 + k % 8
        start = (k * 7) % len(kinds)
        for offset in range(count):
            fields.append(kinds[(start + offset) % len(kinds)]())
        # References to earlier messages of this namespace (never forward: no cycles).
        if record_names_so_far:
            parent = record_names_so_far[(k * 3) % len(record_names_so_far)]
            fields.append(("parent", f"{{ type: {parent}, optional: true }}"))
            if k % 3 == 0:
                child = record_names_so_far[(k * 5 + 1) % len(record_names_so_far)]
                fields.append(("children", f"{{ type: \"{child}[]\", maxItems: 20 }}"))
            if k % 4 == 1:
                ref = record_names_so_far[(k * 11 + 2) % len(record_names_so_far)]
                fields.append(("byKey", f"{{ type: \"map<{ref}>\", maxProperties: 5, optional: true }}"))
        # A qualified reference to the previous namespace.
        if self.previous is not None and self.previous.records and k % 2 == 0:
            other = self.previous.records[k % len(self.previous.records)]
            fields.append(("origin", f"{{ type: {self.previous.name}.{other}, nullable: true }}"))
        return fields

    def build(self):
        out = self.lines
        out.append(f"namespace: {self.name}")
        out.append(f"description: Generated namespace {self.index} for the generator benchmark.")
        out.append("version: 1")
        out.append("")
        out.append("enums:")
        for name, cases in self.enums.items():
            out.append(f"  {name}: [{', '.join(cases)}]")
        out.append("")
        out.append("messages:")
        for j in range(self.message_count):
            noun = NOUNS[(self.index + j) % len(NOUNS)]
            if j % 10 == 9 and len(self.records) >= 3:
                name = f"{noun}Choice{j:03d}"
                variants = [self.records[-1], self.records[-2], self.records[-3]]
                out.append(f"  {name}:")
                out.append(f"    description: A choice between {', '.join(variants)}.")
                out.append("    discriminator: kind")
                out.append("    oneOf:")
                for tag, variant in zip(["first", "second", "third"], variants):
                    out.append(f"      {tag}: {variant}")
                self.unions.append(name)
                continue
            name = f"{noun}{j:03d}"
            out.append(f"  {name}:")
            out.append(f"    description: {noun} record {j} of {self.name}.")
            if j % 7 == 3:
                out.append("    unknownFields: strip")
            out.append("    fields:")
            for field, spec in self.field_lines(j, self.records):
                out.append(f"      {field}: {spec}")
            self.records.append(name)
        out.append("")
        out.append("errors:")
        for name, (status, message) in self.errors.items():
            out.append(f"  {name}: {{ status: {status}, message: {message} }}")
        out.append("")

    def add_subjects(self, count):
        out = self.lines
        if count == 0:
            return
        out.append("subjects:")
        methods = ["POST", "GET", "PUT", "PATCH", "DELETE"]
        for s in range(count):
            request = self.records[(s * 7) % len(self.records)]
            reply = self.records[(s * 13 + 5) % len(self.records)]
            out.append(f"  op{s:03d}:")
            if s % 4 == 3:
                message = self.records[(s * 3 + 1) % len(self.records)]
                out.append(f"    subject: {self.name}.op{s:03d}.happened")
                out.append("    kind: event")
                out.append(f"    message: {message}")
                if s % 8 == 7:
                    out.append(f"    stream: {self.name.upper()}")
                continue
            tokenized = s % 2 == 0
            subject = f"{self.name}.{{id}}.op{s:03d}" if tokenized else f"{self.name}.op{s:03d}"
            out.append(f"    description: Operation {s} of {self.name}.")
            out.append(f"    subject: {quote(subject)}")
            out.append("    kind: request")
            out.append(f"    request: {request}")
            out.append(f"    reply: {reply}")
            errors = ["NotFound", "Conflict"] if s % 3 else ["Forbidden"]
            if self.previous is not None and s % 5 == 0:
                errors.append(f"{self.previous.name}.NotFound")
            out.append(f"    errors: [{', '.join(errors)}]")
            out.append(f"    timeout: {1 + s % 5}s")
            if s % 3 == 0:
                out.append(f"    lock: {quote(self.name + ':{id}')}")
            if s % 6 == 1:
                out.append("    idempotent: false")
            method = methods[s % len(methods)]
            path = f"/{self.name}/op{s:03d}/{{id}}" if s % 2 == 0 else f"/{self.name}/op{s:03d}"
            auth = ["public", "authenticated", "[admin]"][s % 3]
            status = " status: 201," if method == "POST" else ""
            out.append(f"    http: {{ method: {method}, path: {quote(path)},{status} auth: {auth} }}")
        out.append("")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    n_messages, n_subjects, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    n_namespaces = max(2, -(-n_messages // MESSAGES_PER_NAMESPACE))
    namespaces = []
    for i in range(n_namespaces):
        word = NAMESPACE_WORDS[i % len(NAMESPACE_WORDS)]
        name = word if i < len(NAMESPACE_WORDS) else f"{word}{i // len(NAMESPACE_WORDS)}"
        count = n_messages // n_namespaces + (1 if i < n_messages % n_namespaces else 0)
        ns = Namespace(i, name, count, namespaces[-1] if namespaces else None)
        ns.build()
        ns.add_subjects(n_subjects // n_namespaces + (1 if i < n_subjects % n_namespaces else 0))
        namespaces.append(ns)
    os.makedirs(outdir, exist_ok=True)
    for ns in namespaces:
        with open(os.path.join(outdir, f"{ns.name}.yaml"), "w", encoding="utf-8") as f:
            f.write(f"# Generated by scripts/make-large-schema.py {n_messages} {n_subjects}. Do not edit.\n")
            f.write("\n".join(ns.lines).rstrip("\n") + "\n")
    total_records = sum(len(ns.records) for ns in namespaces)
    total_unions = sum(len(ns.unions) for ns in namespaces)
    print(f"wrote {len(namespaces)} namespaces, {total_records + total_unions} messages "
          f"({total_unions} unions), {n_subjects} subjects to {outdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
