package tcredit

// Callback is a notification the provider posts to a lender's callback address when a
// task's state changes (回调: tid, status, msg).
//
// A callback is not signed by the provider and proves nothing: treat it as a hint to
// read the task with GetFund, whose answer is the truth.
type Callback struct {
	TID       string   // tid 唯一标识
	Status    TaskCode // status 状态, as a task code
	RawStatus string   // status as it was sent
	Msg       string   // msg 提示信息
}
