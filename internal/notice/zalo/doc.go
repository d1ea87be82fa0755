// Package zalo sends notices through the Zalo Notification Service (ZNS):
// a template approved by Zalo, filled with data, sent to the Zalo account of
// a phone number.
//
// The request is POST https://business.openapi.zalo.me/message/template
// with the Official Account's token in the access_token header and the body
// {"phone","template_id","template_data","tracking_id"}; the answer is
// {"error":0,"message":"Success","data":{"msg_id",…}} or a non-zero error
// with a message, in both cases usually with HTTP 200.
//
// Errors: a non-zero ZNS error wraps a *PermanentError, except the codes
// that say "later" (see DefaultRetryCodes); HTTP 5xx, timeouts and refused
// connections are temporary. Test with IsPermanent. No error carries the
// recipient's number.
package zalo
