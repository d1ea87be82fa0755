// Package population is the client for the national population database
// (Cơ sở dữ liệu quốc gia về dân cư), reached through the integration
// platform, so that a one-stop desk or the portal can fill a citizen's data
// from what the state already holds instead of asking for it again.
//
// A Query names the person (12-digit personal ID number, full name, birth
// year) and the purpose of the lookup (service code MaDVC, request id
// MaYeuCau, officer MaCanBo); Query.Check refuses a lookup without a purpose.
// Client.Lookup posts the query as JSON and parses the answer, a JSON string
// holding a SOAP envelope Envelope/Body/CongdanCollection/CongDan, into a
// Citizen.
//
// Errors: a bad query is apperr.Invalid; a person the database does not know
// is apperr.NotFound; the platform down, a timeout, an HTTP error status or
// an answer that cannot be read is an *Error of kind UnavailableKind with a
// Vietnamese and English message and the cause wrapped (for the log). Error
// texts never hold the ID number, the name or any part of the answer, and
// this package logs nothing: the caller logs each lookup (user, time, unit,
// request id) as integrations.md §2 requires, with vn.MaskID for the number.
//
// Decided here where the platform's contract is unverified (each is a Client
// field, so a province changes configuration, not code):
//   - the request is a POST of a JSON object; Nam is sent as a decimal
//     string, and when the query has no birth year the year encoded in the ID
//     number is sent, since the platform matches on it;
//   - the credential is a token in a configurable header (default
//     "Authorization: Bearer …") or HTTP basic user/password;
//   - the answer is a JSON string holding the XML, or a JSON object whose
//     EnvelopeField member holds it;
//   - an answer whose CongDan carries another ID number than the one asked
//     is refused as malformed, so a platform mix-up never shows one person's
//     data on another's dossier;
//   - UnavailableKind is apperr.Unavailable: the edge answers 503 with the
//     message to try again later or enter the details by hand.
//
// Service is the one way in for every surface (the desk, the portal, the
// API): it applies the rules (a purpose; a citizen's own record only; an
// officer acting for a unit) and records every attempt in a LookupLog
// (store.DB keeps it in population_lookups). Citizen.Attribute reads the
// value a form field's source names.
package population
