// Package tcreditotel reports what a tcredit.Client does as OpenTelemetry traces and
// metrics.
//
//	client, err := tcredit.NewClient(appID, tokenID, tcreditotel.Instrument())
//
// Instrument uses the global tracer and meter providers unless WithTracerProvider and
// WithMeterProvider give others.
//
// # Traces
//
// Each Query and each Wait is a span ("tcredit Query", "tcredit Wait"), and each call
// of an endpoint a client span named "tcredit <endpoint>", such as "tcredit
// createFundSearchTaskB", a child of the Query's or of the caller's span: the trace
// continues the one in the context the caller passes. A call's span has the attributes
//
//	tcredit.endpoint            the endpoint's name
//	tcredit.api.status          the API status of the last answer (int), when one came
//	tcredit.seq_num             its seqNum
//	tcredit.tid                 the task, when known
//	tcredit.billed              true on a create that may have been billed
//	tcredit.outcome_unknown     true when the call's error matches tcredit.ErrOutcomeUnknown
//	http.request.method         POST
//	server.address, server.port the API's host and port
//	url.template                the URL's path, such as /identity/getFundB
//	http.response.status_code   the HTTP status of the last response
//	http.request.resend_count   the attempts after the first, when there were any
//
// and an event "tcredit.attempt" per attempt with its http.request.resend_count,
// http.response.status_code, tcredit.api.status and error.type. A non-zero API status
// or an error sets the span's status to Error, described by the error's type (such as
// *tcredit.APIError), also in error.type: never by the error's text, which may quote a
// server. No attribute holds a password, account, ID card number, code, tokenId or
// tokenKey: the client never passes one on.
//
// # Metrics
//
//	tcredit.client.call.duration      histogram (s) by tcredit.endpoint, tcredit.api.status, error.type
//	tcredit.tasks.billed              counter of tasks created (billed), by tcredit.area_code
//	tcredit.tasks.outcome_unknown     counter of creates whose outcome is unknown (perhaps billed)
//	tcredit.tasks.succeeded           counter of tasks a wait saw done
//	tcredit.tasks.rolled_back         counter of tasks a wait saw fail with a 5xxxx code (their charge is rolled back: tcredit.BillingEndOf), by tcredit.task.code
//	tcredit.task.polls                histogram of the getFundB calls of each wait that saw its task end
//	tcredit.callback.wake.latency     histogram (s) from a callback's wake-up to the end of the getFundB it caused
package tcreditotel
