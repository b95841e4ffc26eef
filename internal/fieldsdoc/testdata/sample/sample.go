// Package sample is a small API for the tests of fieldsdoc.
package sample

import (
	"context"
	"time"
)

// Money is a sum in fen.
type Money int64

// frame is the frame of every response.
type frame[T any] struct {
	Code int    `json:"code"` // 状态码
	Data T      `json:"data"` // 返回数据
	note string // not on the wire
}

// Account is one account.
//
// It has two paragraphs.
type Account struct {
	ID      string           `json:"id,omitempty"` // 编号
	Balance Money            `json:"balance"`      // 余额 | 单位: 分
	Tags    []string         `json:"tags"`         // 标签
	Owner   *Person          `json:"owner"`        // 户主
	Extra   map[string]Money `json:"extra"`        // 其它金额
	Opened  time.Time        `json:"opened"`       // 开户时间
	Frames  []frame[Money]   `json:"frames"`       // 历史
	Secret  string           `json:"-"`            // never on the wire
	Plain   int              // 无标签
	// 上方的说明
	Doced  string `json:"doced"`
	Lo, Hi int    `json:"range"`  // 范围
	hidden string `json:"hidden"` // 未导出
	Person
}

// Person is a holder.
type Person struct {
	Name string `json:"name"` // 姓名
}

// Request is a request whose comments carry the wire names.
type Request struct {
	AreaCode string // area_code 城市编码 (required)
	Mobile   string // mobile 手机号
	Note     string // 备注, with no wire name

	// Extra holds other parameters.
	Extra map[string]string
}

// Client calls the API.
type Client struct {
	token string
}

// Get reads one account.
func (c *Client) Get(ctx context.Context, id string, opts ...int) (*Account, error) {
	return nil, nil
}

// Stray is exported and tagged but listed nowhere.
type Stray struct {
	X int `json:"x"` // 未列出
}

// Alpha is exported and tagged but listed nowhere.
type Alpha struct {
	Y string `json:"y"` // 也未列出
}

// lower is tagged but not exported.
type lower struct {
	Z string `json:"z"`
}

// Untagged is exported but has no json tags.
type Untagged struct {
	W string
}
