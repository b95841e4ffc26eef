// Package tcredit is a client for Tianchuang's (天创) personal housing provident fund
// query API (个人公积金查询): it reads a person's fund account — balance, monthly
// contributions, employer, housing loans — from their city's fund website, with the
// login they give.
//
// # The four steps
//
// A query takes four calls, each of one endpoint:
//
//  1. Client.Cities lists the supported cities (getFundCitysB, not billed).
//  2. Client.LoginMethods gives a city's login forms (getFundCityParamB, not billed).
//  3. Client.CreateTask starts a task with the login the person typed and returns its
//     tid (createFundSearchTaskB, billed; rolled back if the task fails).
//  4. Client.GetFund reads the task's state and, at the end, the report (getFundB).
//     While it waits for an SMS or captcha code, Client.SubmitCode passes the person's
//     answer on (fundUserCode).
//
// Create one Client per process and share it: it is safe for concurrent use. Query
// runs steps 3 and 4 for you, polling until the task ends and asking for the codes it
// needs. With appID and tokenID from the provider (or a sandbox's, with its URL as
// baseURL: see package tcredittest; DefaultBaseURL is the real API), the login a person
// typed into 杭州's first form, and askCode, which asks them for an SMS code:
//
//	client, err := tcredit.NewClient(appID, tokenID, tcredit.WithBaseURL(baseURL))
//	if err != nil {
//		return err
//	}
//	methods, err := client.LoginMethods(ctx, "330100") // 杭州's login forms
//	if err != nil {
//		return err
//	}
//	req, err := methods[0].NewRequest(map[string]string{"account": account, "password": password, "sub_area": "1"})
//	if err != nil {
//		return err // a *ValidationError: the fields to correct
//	}
//	res, err := client.Query(ctx, req, tcredit.WithCodeProvider(askCode))
//	if err != nil {
//		return err
//	}
//	fmt.Println(res.BaseInfo.HouseFundBalance)
//
// # Money and decoding
//
// Sums of money are Amount, an exact count of fen (分). Responses are read with the
// tolerance real servers need: numbers that arrive as strings, strings that arrive as
// numbers or padded with spaces, nulls, task codes as numbers or strings. A value that
// cannot be read at all is an error naming its JSON path, never a silent zero.
//
// # Errors
//
// A non-zero top-level status is an *APIError, matched by the sentinel for its status
// with errors.Is (ErrTokenKey, ErrBusy, ...). A failed task is a *TaskError. A response
// that is not an API answer (an HTML error page, a body cut short) is a
// *ResponseError. Arguments refused before anything is sent match ErrInvalidInput.
//
// # Billing and retries
//
// Reads are retried after passing failures. CreateTask is billed and has no idempotency
// key, so it is never repeated once its request may have reached the server; its error
// then matches ErrOutcomeUnknown. See RetryPolicy. WithRateLimiter holds every attempt
// back to the rate the provider allows.
//
// # Observing
//
// WithObserver reports each query, call, attempt, billed or ended task and wake-up to
// an Observer; package github.com/tcredit-go/tcredit/tcreditotel makes OpenTelemetry
// traces and metrics of them.
//
// # Secrets
//
// The tokenId, every tokenKey, passwords and SMS codes never appear in logs, errors or
// %v output; ID card numbers, mobile numbers and names appear only masked. An Observer
// is told none of them, masked or not.
package tcredit
