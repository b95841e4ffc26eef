package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger"
)

// importCommand: import FILE.
func importCommand(*flag.FlagSet) func(context.Context, *cli, string, []string) error {
	return func(ctx context.Context, c *cli, dsn string, args []string) error {
		if len(args) != 1 {
			return usagef("import takes one FILE")
		}
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		l, err := open(ctx, dsn)
		if err != nil {
			return err
		}
		defer l.Close()
		n, err := l.Import(ctx, f)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		fmt.Fprintf(c.stdout, "%d events read, %d added\n", n.Read, n.Added)
		return nil
	}
}

// summaryCommand: summary [--from DATE] [--to DATE] [--by day|area|app] [--json].
func summaryCommand(fs *flag.FlagSet) func(context.Context, *cli, string, []string) error {
	from := fs.String("from", "", "the first day, 2006-01-02 (China time)")
	to := fs.String("to", "", "the last day, 2006-01-02 (China time)")
	by := fs.String("by", string(ledger.ByDay), "day, area or app")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(ctx context.Context, c *cli, dsn string, args []string) error {
		if err := noArgs("summary", args); err != nil {
			return err
		}
		var p ledger.Period
		var err error
		if p.From, err = parseDay("--from", *from); err != nil {
			return err
		}
		if p.To, err = parseDay("--to", *to); err != nil {
			return err
		}
		if *by != string(ledger.ByDay) && *by != string(ledger.ByArea) && *by != string(ledger.ByApp) {
			return usagef("--by %q is not day, area or app", *by)
		}
		l, err := open(ctx, dsn)
		if err != nil {
			return err
		}
		defer l.Close()
		s, err := l.Summary(ctx, p, ledger.By(*by))
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(c, s)
		}
		printSummary(c.stdout, s)
		return nil
	}
}

// parseDay reads a date of a flag, or nothing.
func parseDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, ledger.ChinaTime)
	if err != nil {
		return t, usagef("%s %q is not a date like 2026-03-15", name, s)
	}
	return t, nil
}

// settleCommand: settle.
func settleCommand(*flag.FlagSet) func(context.Context, *cli, string, []string) error {
	return func(ctx context.Context, c *cli, dsn string, args []string) error {
		if err := noArgs("settle", args); err != nil {
			return err
		}
		appID, tokenID := c.getenv("TCREDIT_APP_ID"), c.getenv("TCREDIT_TOKEN_ID")
		if appID == "" || tokenID == "" {
			return usagef("no credentials: set TCREDIT_APP_ID and TCREDIT_TOKEN_ID")
		}
		opts := []tcredit.Option{tcredit.WithUserAgent("tcredit-ledger/" + tcredit.Version)}
		if base := c.getenv("TCREDIT_BASE_URL"); base != "" {
			opts = append(opts, tcredit.WithBaseURL(base))
		}
		client, err := tcredit.NewClient(appID, tokenID, opts...)
		if err != nil {
			return usagef("%s", err)
		}
		l, err := open(ctx, dsn)
		if err != nil {
			return err
		}
		defer l.Close()
		s, err := l.Settle(ctx, client)
		fmt.Fprintf(c.stdout, "%d open tasks read: %d succeeded, %d failed (rolled back), %d still open\n", s.Checked, s.Succeeded, s.Failed, s.Open)
		return err
	}
}

// reconcileCommand: reconcile --statement FILE [--columns MAP] [--price YUAN] [--json].
func reconcileCommand(fs *flag.FlagSet) func(context.Context, *cli, string, []string) error {
	statement := fs.String("statement", "", "the statement, CSV")
	columns := fs.String("columns", "", "the statement's own names of the columns, as tid=订单号,created_at=创建时间")
	price := fs.String("price", "", "the price of a task in yuan, such as 1.50, for the amounts")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(ctx context.Context, c *cli, dsn string, args []string) error {
		if err := noArgs("reconcile", args); err != nil {
			return err
		}
		if *statement == "" {
			return usagef("reconcile needs --statement FILE")
		}
		cols, err := parseColumns(*columns)
		if err != nil {
			return err
		}
		var each tcredit.Amount
		if *price != "" {
			if each, err = parsePrice(*price); err != nil {
				return err
			}
		}
		f, err := os.Open(*statement)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := ledger.ReadStatement(f, cols)
		if err != nil {
			return fmt.Errorf("%s: %w", *statement, err)
		}
		l, err := open(ctx, dsn)
		if err != nil {
			return err
		}
		defer l.Close()
		rec, err := l.Reconcile(ctx, st)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(c, rec)
		}
		printReconciliation(c.stdout, len(st.Rows), rec, each, *price != "")
		return nil
	}
}

// priceText is a price in yuan as --price takes it: exact to the fen, never rounded.
var priceText = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)

// parsePrice reads --price: yuan with at most two decimals, such as 1.50.
func parsePrice(s string) (tcredit.Amount, error) {
	each, err := tcredit.ParseAmount(s)
	if err != nil || !priceText.MatchString(s) {
		return 0, usagef("--price %q is not an amount in yuan with at most two decimals, such as 1.50", s)
	}
	return each, nil
}

// parseColumns reads --columns: ours=theirs pairs, separated by commas.
func parseColumns(s string) (ledger.Columns, error) {
	if s == "" {
		return nil, nil
	}
	cols := ledger.Columns{}
	for _, pair := range strings.Split(s, ",") {
		ours, theirs, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(ours) == "" || strings.TrimSpace(theirs) == "" {
			return nil, usagef("--columns %q: each entry is column=name, such as tid=订单号", s)
		}
		cols[strings.TrimSpace(ours)] = strings.TrimSpace(theirs)
	}
	return cols, nil
}

// writeJSON prints v as indented JSON.
func writeJSON(c *cli, v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
