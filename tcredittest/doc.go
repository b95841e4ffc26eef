// Package tcredittest provides a sandbox of Tianchuang's housing provident fund query
// API, for tests of code that uses it, the way net/http/httptest provides a server.
//
// The sandbox is a stateful, independent implementation of the server side: it checks
// appId and tokenKey with its own code, runs each task through its life cycle on a
// clock, bills and rolls back, posts callbacks, and writes JSON by hand with the type
// variance that real servers show. Nothing in it reaches the real API.
//
//	srv := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
//	defer srv.Close()
//	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
//
// NewHandler gives the same sandbox as an http.Handler, to mount on a server of one's
// own; cmd/tcredit-sandbox serves it on a port for programs in other languages.
//
// # Protocol
//
// The five endpoints answer under /identity/: getFundCitysB, getFundCityParamB,
// createFundSearchTaskB, getFundB and fundUserCode. A call must be a POST with a form
// body; any other method gets HTTP 405, a path outside /identity/ gets HTTP 404. Every
// other answer is an envelope {"status":…,"message":…,"seqNum":…,"data":…} with a fresh
// seqNum, and these top-level statuses:
//
//	2  参数错误               appId, tokenKey or a required parameter is missing or blank
//	4  用户不存在或配置错误     appId is unknown (see AddApp)
//	5  TokenKey验证失败        tokenKey is not the MD5 of URL + tokenId + sorted parameters
//	6  接口未定义或停止使用     no such endpoint under /identity/
//
// The URL checked is the one the client sent to, rebuilt from the request (scheme,
// Host header, request URI), so that the handler checks the right URL behind
// http.StripPrefix; WithBaseURL pins it for a sandbox behind a proxy.
//
// A createFundSearchTaskB whose city, login type or login form does not fit the city
// list creates no task and is answered with data {"success":false,"status":-2}.
// getFundB for a tid the sandbox never gave answers data.code -2 (参数错误), and for
// a tid of another appId -9 (权限认证失败). fundUserCode answers data.status -2 for
// an unknown tid and -1 for a task that waits for no code.
//
// # Cities
//
// The city list holds 29 cities with real names and area codes, and login methods
// modelled on the API document: 1 客户号 (account, password), 2 身份证号 (id_card,
// password), 3 身份证号+短信验证码 (id_card, real_name, mobile), 4 单位账号
// (corp_account, corp_name, id_card, password) and 5 用户名 (account, password). The
// 客户号 logins of 330100 杭州, 330400 嘉兴 and 340500 马鞍山 add a required sub_area
// select of the city's own branches. 330400 嘉兴 and 650100 乌鲁木齐 are under
// maintenance (area_status 1: their
// tasks fail with 50005); 230100 哈尔滨 and 460100 海口 are in development (2: 50003).
// This is sandbox data: website addresses, tips and states are made up.
//
// # Tasks and demo accounts
//
// A task moves one step at a time on the sandbox's clock (WithStep); its state is
// computed from the time elapsed, whenever someone looks. What happens to it is the
// Scenario of the account it logs in with. These demo accounts log in to every city
// with any password: by Login where a city asks for an account, by ID card number
// where it asks for one.
//
//	Login                  ID card             Scenario and task codes
//	demo-success           110105199003071028  10001 10002 20001 30001 40001, the full report
//	demo-partial           110105199003071044  … 20005 30001 40002 with "fail":["loanInfos"]
//	demo-sms-challenge     110105199003071060  10003; SMS code 123456 → … 40001; another → 50009
//	demo-image-challenge   110105199003071087  10004 with a PNG of 4 digits; those digits → … 40001
//	demo-wrong-password    110105199003071108  10001 50004
//	demo-wrong-code        110105199003071124  10003; every code → 50009
//	demo-input-timeout     110105199003071140  10003; codes taken but ignored, 50008 after 3 steps
//	demo-site-down         110105199003071167  10001 50005 (website under maintenance)
//	demo-site-unstable     110105199003071183  10001 10002 20001 50007
//	demo-crawl-failure     110105199003071204  10001 10002 20001 50002
//
// A login the sandbox does not know fails with 50004, like a wrong password. A challenge
// nobody answers fails with 50008 after WithChallengeTimeout. Tests register accounts
// of their own with AddAccount, each with a Scenario and a Report size; Task tells the
// answer to a task's challenge (Task.Answer).
//
// A finished task's report is generated from a seed: the same seed and the same month,
// the same report, byte for byte. It ends in the month before the sandbox's clock
// (WithClock; time.Now by default), so that its contributions, loans and summary look
// current, and its employer, address and ID card prefix are those of the task's city.
// The holder's name, ID card number and mobile are taken from the login form where it
// gives them. Task ids differ from one sandbox to the next unless WithSeed is given, so
// that a restarted sandbox repeats none a database may hold.
//
// # Billing
//
// Each created task is charged to its appId; the charge is rolled back when the task
// fails (任务失败用户计费回滚). Billed reads the count, and GET /statement.csv lists every
// task with its charge, as CSV with the header StatementHeader (?app_id= keeps one
// appId's): a statement of the sandbox's own, for reconciling a billing record end to
// end. The provider's statement format is not public.
//
// # Callbacks
//
// With WithCallbackURL, the sandbox posts a form with tid, status (the task code) and
// msg when a task waits for a code, ends or fails. A background goroutine notices the
// changes; it and the deliveries stop at Close.
//
// # Faults
//
// InjectFault makes the next calls of an endpoint, or a fraction of them, slow, answered
// by a gateway's 502 page, cut short, dropped before or after they are processed, or
// answered with a status such as 10 (系统繁忙) or 11 (数据处理中).
//
// # Variance and secrets
//
// Unless WithVariance(false), responses vary as real ones do: data.code and other
// numbers sometimes as strings, booleans as "true", amounts as strings or with float
// noise, padded strings, nulls. The choices are drawn from WithSeed, so a sequence of
// calls gets the same bytes every run. Requests keeps the last 10,000 calls with
// password and code masked and tokenKey left out; names, ID card numbers and mobiles
// are kept as sent.
package tcredittest
