package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"zhinan/catalog"
)

// stdin is where `zhinan user add` reads the password; tests replace it.
var stdin io.Reader = os.Stdin

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("%w: the only user command is \"user add\"", errUsage)
	}
	fs, data := newFlags("user add", stderr)
	role := fs.String("role", "", "admin, reviewer, editor or auditor")
	dept := fs.String("department", "", "the editor's department (its name)")
	region := fs.String("region", "", "the editor's department region, or the reviewer's region (empty: everywhere)")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: give exactly one user name", errUsage)
	}
	// The password comes from standard input (one line), never from the
	// command line where other users of the machine could read it.
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	password := strings.TrimRight(line, "\r\n")
	st, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.AddUser(ctx, catalog.NewUser{Name: pos[0], Role: *role, Department: *dept, Region: *region, Password: password})
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Errors {
			fmt.Fprintln(stderr, fe.Error())
		}
		return exitError{1}
	}
	if errors.Is(err, catalog.ErrConflict) {
		return fmt.Errorf(msgUserExists, pos[0])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, msgUserAdded, u.Name, u.Role)
	return nil
}
