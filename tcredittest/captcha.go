package tcredittest

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
)

// The captcha of ScenarioCaptchaChallenge: four digits drawn with a small bitmap
// font into a PNG, with a little noise. It depends only on the task id, so a task
// shows the same image every time.

// glyphs is a 5×7 bitmap font of the digits.
var glyphs = [10][7]string{
	{".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},
	{"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."},
	{".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},
	{"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."},
	{"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."},
	{"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},
	{"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."},
	{"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."},
	{".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."},
	{".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."},
}

// Captcha layout, in pixels.
const (
	captchaDigitCount = 4
	captchaScale      = 4                      // pixels per font dot
	captchaCell       = (5 + 2) * captchaScale // width of one digit with its spacing
	captchaMargin     = 8                      // border around the digits
	captchaWidth      = 2*captchaMargin + captchaDigitCount*captchaCell
	captchaHeight     = 2*captchaMargin + 7*captchaScale
)

var captchaPalette = color.Palette{
	color.RGBA{0xf4, 0xf1, 0xe8, 0xff}, // background
	color.RGBA{0x1f, 0x3a, 0x68, 0xff}, // digits
	color.RGBA{0xa0, 0xa8, 0xb8, 0xff}, // noise
}

// captchaDigits returns the digits of a task's captcha.
func captchaDigits(tid string) string {
	sum := md5.Sum([]byte("captcha:" + tid))
	d := make([]byte, captchaDigitCount)
	for i := range d {
		d[i] = '0' + sum[i]%10
	}
	return string(d)
}

// captchaPNG draws digits into a PNG, with noise drawn from the task id.
func captchaPNG(tid, digits string) []byte {
	img := image.NewPaletted(image.Rect(0, 0, captchaWidth, captchaHeight), captchaPalette)
	noise := md5.Sum([]byte("noise:" + tid))
	for i := 0; i+1 < len(noise); i += 2 { // scattered dots, drawn under the digits
		x, y := int(noise[i])%captchaWidth, int(noise[i+1])%captchaHeight
		img.SetColorIndex(x, y, 2)
		img.SetColorIndex((x+captchaWidth/2)%captchaWidth, (y+captchaHeight/2)%captchaHeight, 2)
	}
	for k := 0; k < len(digits); k++ {
		glyph := glyphs[digits[k]-'0']
		x0 := captchaMargin + k*captchaCell + captchaScale
		y0 := captchaMargin
		for row, line := range glyph {
			for col := 0; col < len(line); col++ {
				if line[col] != '#' {
					continue
				}
				for dy := 0; dy < captchaScale; dy++ {
					for dx := 0; dx < captchaScale; dx++ {
						img.SetColorIndex(x0+col*captchaScale+dx, y0+row*captchaScale+dy, 1)
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // writing to a bytes.Buffer does not fail
	return buf.Bytes()
}

// mimeBase64 encodes b as Java's MIME encoder does: standard base64 with "\r\n" after
// every 76 characters.
func mimeBase64(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	const line = 76
	var out bytes.Buffer
	out.Grow(len(s) + len(s)/line*2)
	for len(s) > line {
		out.WriteString(s[:line])
		out.WriteString("\r\n")
		s = s[line:]
	}
	out.WriteString(s)
	return out.String()
}
