package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"zhinan/catalog"
	"zhinan/report"
	"zhinan/store"
)

// stdin is where `zhinan user add` and `zhinan user passwd` read the
// password; tests replace it.
var stdin io.Reader = os.Stdin

// userUsage is the usage of `zhinan user`.
const userUsage = "user add NAME --role admin|reviewer|editor|auditor|bundle [--department NAME] [--region CODE]  (password on standard input)\n" +
	"  zhinan user passwd NAME  (new password on standard input; ends the account's sessions)\n" +
	"  zhinan user disable|enable NAME\n" +
	"  zhinan user sessions NAME [--revoke]"

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: name a user command: add, passwd, disable, enable or sessions", errUsage)
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, args[1:], stdout, stderr)
	case "passwd":
		return runUserPasswd(ctx, args[1:], stdout, stderr)
	case "disable", "enable":
		return runUserDisable(ctx, args[0] == "disable", args[1:], stdout, stderr)
	case "sessions":
		return runUserSessions(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("%w: unknown user command %q: add, passwd, disable, enable or sessions", errUsage, args[0])
}

// readPassword reads one line from stdin: the password comes from
// standard input, never from the command line where other users of the
// machine could read it.
func readPassword() (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// userError turns the store's account errors into messages and exit
// statuses: field errors and an unknown account exit 1 with a message.
func userError(err error, name string, stderr io.Writer) error {
	return accountError(err, name, msgUserExists, msgUserUnknown, stderr)
}

// accountError turns the store's errors about a named account or token
// into messages and exit statuses: field errors are printed one a line
// (exit 1), a conflict and an unknown name are the given messages.
func accountError(err error, name, conflict, unknown string, stderr io.Writer) error {
	var ve *catalog.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ve):
		for _, fe := range ve.Errors {
			fmt.Fprintln(stderr, fe.Error())
		}
		return exitError{1}
	case errors.Is(err, catalog.ErrConflict):
		return fmt.Errorf(conflict, name)
	case errors.Is(err, catalog.ErrNotFound):
		return fmt.Errorf(unknown, name)
	}
	return err
}

func runUserAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("user add", stderr)
	role := fs.String("role", "", "admin, reviewer, editor, auditor, bundle (一件事编辑: edits the bundles) or desk (办不成事窗口: files 办不成事 reports, answers the hall desk's tickets)")
	dept := fs.String("department", "", "the editor's department (its name)")
	region := fs.String("region", "", "the editor's department region, or the reviewer's region (empty: everywhere)")
	name, err := oneUserName(fs, args)
	if err != nil {
		return err
	}
	password, err := readPassword()
	if err != nil {
		return err
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.AddUser(ctx, store.NewUser{Name: name, Role: *role, Department: *dept, Region: *region, Password: password})
	if err != nil {
		return userError(err, name, stderr)
	}
	fmt.Fprintf(stdout, msgUserAdded, u.Name, u.Role)
	return nil
}

// runUserPasswd is `zhinan user passwd NAME`: the new password from
// standard input; every session of the account ends.
func runUserPasswd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("user passwd", stderr)
	name, err := oneUserName(fs, args)
	if err != nil {
		return err
	}
	password, err := readPassword()
	if err != nil {
		return err
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	ended, err := st.ChangePassword(ctx, name, password, "")
	if err != nil {
		return userError(err, name, stderr)
	}
	fmt.Fprintf(stdout, msgPasswordChanged, name, ended)
	return nil
}

// runUserDisable is `zhinan user disable NAME` (and enable): a disabled
// account cannot sign in and its sessions end at once.
func runUserDisable(ctx context.Context, disable bool, args []string, stdout, stderr io.Writer) error {
	command := "user enable"
	if disable {
		command = "user disable"
	}
	fs, loc := newFlags(command, stderr)
	name, err := oneUserName(fs, args)
	if err != nil {
		return err
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	ended, err := st.SetDisabled(ctx, name, disable)
	if err != nil {
		return userError(err, name, stderr)
	}
	if disable {
		fmt.Fprintf(stdout, msgUserDisabled, name, ended)
	} else {
		fmt.Fprintf(stdout, msgUserEnabled, name)
	}
	return nil
}

// runUserSessions is `zhinan user sessions NAME [--revoke]`: lists the
// account's live sessions, or ends them all.
func runUserSessions(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("user sessions", stderr)
	revoke := fs.Bool("revoke", false, "end every session of the account")
	name, err := oneUserName(fs, args)
	if err != nil {
		return err
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	if *revoke {
		ended, err := st.RevokeSessions(ctx, name)
		if err != nil {
			return userError(err, name, stderr)
		}
		fmt.Fprintf(stdout, msgSessionsRevoked, name, ended)
		return nil
	}
	sessions, err := st.Sessions(ctx, name)
	if err != nil {
		return userError(err, name, stderr)
	}
	disabled, err := st.UserDisabled(ctx, name)
	if err != nil {
		return userError(err, name, stderr)
	}
	if disabled {
		fmt.Fprintf(stdout, msgUserIsDisabled, name)
	}
	if len(sessions) == 0 {
		fmt.Fprintf(stdout, msgNoSessions, name)
		return nil
	}
	fmt.Fprintf(stdout, msgSessionsHeader, name, len(sessions))
	for _, s := range sessions {
		kind := msgSessionKindToken
		if s.Kind == store.SessionCookie {
			kind = msgSessionKindCookie
		}
		fmt.Fprintf(stdout, msgSessionLine, s.ID, kind,
			s.CreatedAt.In(report.ChinaTime).Format(time.DateTime), s.ExpiresAt.In(report.ChinaTime).Format(time.DateTime))
	}
	return nil
}

// oneUserName parses a user command's flags and its one argument, the
// account's name.
func oneUserName(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", fmt.Errorf("%w: give exactly one user name", errUsage)
	}
	return pos[0], nil
}
