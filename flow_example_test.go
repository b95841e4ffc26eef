package tcredit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// The examples of the driver run on the sandbox, with a fast clock.

func ExampleClient_Query() {
	srv := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
	defer srv.Close()
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}

	req := tcredit.CreateTaskRequest{
		AreaCode: "330100", LoginType: 1, Account: "demo-sms-challenge", Password: "secret", SubArea: "1",
	}
	res, err := client.Query(context.Background(), req,
		tcredit.WithPollInterval(time.Millisecond, 10*time.Millisecond),
		tcredit.OnTaskCreated(func(ctx context.Context, tid string) error {
			return nil // persist tid here, to resume with Wait after a restart
		}),
		tcredit.WithCodeProvider(func(ctx context.Context, ch tcredit.Challenge) (string, error) {
			fmt.Println("asked for:", ch.Code)
			return tcredittest.SMSCode, nil // the code the person typed
		}),
	)
	var te *tcredit.TaskError
	switch {
	case errors.As(err, &te):
		fmt.Println("task failed:", te.Code)
	case err != nil:
		fmt.Println("error:", err)
	default:
		fmt.Println("done:", res.Code, "bills:", len(res.BillInfos) > 0)
	}
	// Output:
	// asked for: 登录中，等待用户输入短信
	// done: 爬取结束 bills: true
}

func ExampleClient_Wait() {
	srv := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
	defer srv.Close()
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	// Without a code provider, the query stops at the challenge with the tid ...
	_, err = client.Query(ctx, tcredit.CreateTaskRequest{
		AreaCode: "330100", LoginType: 1, Account: "demo-sms-challenge", Password: "secret", SubArea: "1",
	}, tcredit.WithPollInterval(time.Millisecond, 10*time.Millisecond))
	var ce *tcredit.ChallengeError
	if !errors.As(err, &ce) {
		panic(err)
	}
	fmt.Println(errors.Is(err, tcredit.ErrCodeRequired), ce.Challenge.Code.NeedsSMS())

	// ... and once the person has typed the code, the service answers and resumes.
	if err := client.SubmitCode(ctx, ce.Challenge.TID, tcredittest.SMSCode); err != nil {
		panic(err)
	}
	res, err := client.Wait(ctx, ce.Challenge.TID, tcredit.WithPollInterval(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Code.Done())
	// Output:
	// true true
	// true
}

// hangzhouByAccount is a login method of 330100 as LoginMethods lists it.
var hangzhouByAccount = tcredit.LoginMethod{
	AreaCode: "330100", LoginName: "客户号", LoginType: 1,
	LoginParams: []tcredit.LoginParam{
		{Name: "account", Label: "客户号", Type: "text", Required: true},
		{Name: "password", Label: "密码", Type: "password", Required: true},
		{Name: "sub_area", Label: "缴存网点", Type: "select", Required: true,
			List: []tcredit.Choice{{Value: "1", Key: "市中心"}, {Value: "2", Key: "分中心"}}},
	},
}

func ExampleLoginMethod_Validate() {
	method := hangzhouByAccount // as LoginMethods lists it
	err := method.Validate(tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", SubArea: "9"})
	var ve *tcredit.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s (%s): %v\n", f.Label, f.Field, f.Err)
		}
	}
	// Output:
	// 密码 (password): is required
	// 缴存网点 (sub_area): is "9", not one of 1 (市中心), 2 (分中心)
}

func ExampleLoginMethod_NewRequest() {
	method := hangzhouByAccount // as LoginMethods lists it
	// What the person typed, by the form's parameter names (for example r.PostForm).
	req, err := method.NewRequest(map[string]string{"account": "zhangsan", "password": "p@ss word", "sub_area": "2"})
	if err != nil {
		panic(err) // a *ValidationError naming each field to correct
	}
	fmt.Println(req.AreaCode, req.LoginType, req.SubArea)

	_, err = method.NewRequest(map[string]string{"account": "zhangsan", "sub_area": "2"})
	fmt.Println(err)
	// Output:
	// 330100 1 2
	// tcredit: login form: password (密码) is required
}

func ExampleCallbackURL() {
	u, err := tcredit.CallbackURL("https://lender.example/fund/callback", "a-long-random-secret-0001")
	if err != nil {
		panic(err)
	}
	fmt.Println(u)
	// Output:
	// https://lender.example/fund/callback?cb_token=a-long-random-secret-0001
}

func ExampleNewCallbackHandler() {
	client, err := tcredit.NewClient("my-app-id", "my-token-id")
	if err != nil {
		panic(err)
	}
	const secret = "a-long-random-secret-0001"
	h := tcredit.NewCallbackHandler(func(ctx context.Context, cb tcredit.Callback) error {
		fmt.Println("callback:", cb.TID, cb.Status)
		client.Notify(cb) // wakes the Wait blocked on cb.TID, if any
		return nil
	}, tcredit.WithCallbackSecret(secret))

	srv := httptest.NewServer(h)
	defer srv.Close()
	callbackURL, _ := tcredit.CallbackURL(srv.URL+"/fund/callback", secret)
	form := url.Values{"tid": {"457e345272624ac294ff9dc675807dc9"}, "status": {"40001"}, "msg": {"爬取结束"}}
	resp, err := http.Post(callbackURL, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// callback: 457e345272624ac294ff9dc675807dc9 爬取结束
	// 200
}

func ExampleChallenge_Repeats() {
	asked := tcredit.Challenge{Code: tcredit.CodeWaitingSMS, Message: "验证码已发送至138****0000"}
	polled := tcredit.Challenge{Code: tcredit.CodeWaitingSMS} // the next poll leaves the message out
	resent := tcredit.Challenge{Code: tcredit.CodeWaitingSMS, Message: "验证码错误，已重新发送"}
	fmt.Println(polled.Repeats(asked), resent.Repeats(asked))
	// Output: true false
}
