// Package sms sends notices as text messages through a brandname SMS gateway
// over HTTP.
//
// Vietnamese SMS reach subscribers through brandname gateways (the telecoms
// and their resellers), each with its own API. This client speaks a generic
// one: POST JSON {"to","text","ref"} with a bearer token; a 2xx answer may
// carry {"id"}, the gateway's reference. A deployment whose gateway speaks
// another dialect puts a small adapter in front of it.
//
// Errors: a message the gateway refuses for good (a 4xx answer other than
// 408 and 429, or a recipient that is not a Vietnamese mobile number) wraps a
// *PermanentError, so that the job worker fails that message at once;
// anything else (5xx, timeout, connection refused) is worth retrying. Test
// with IsPermanent. No error carries the recipient's number.
package sms
