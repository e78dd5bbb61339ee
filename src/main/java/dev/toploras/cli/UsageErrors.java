package dev.toploras.cli;

import java.util.List;
import picocli.CommandLine;

/** A command-line mistake as one line: what was wrong, and the nearest option or the --help to look at. */
final class UsageErrors {
    private UsageErrors() {
    }

    static String line(CommandLine.ParameterException ex) {
        String help = " (" + commandPath(ex.getCommandLine()) + " --help lists the options)";
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "" : unmatched.get(0);
            List<String> suggestions = u.getSuggestions();
            if (first.startsWith("-")) {
                return "unknown option '" + first + "'"
                        + (suggestions.isEmpty() ? help : "; did you mean " + String.join(" or ", suggestions) + "?");
            }
            return "unexpected argument '" + first + "'"
                    + (suggestions.isEmpty() ? help : "; did you mean " + String.join(" or ", suggestions) + "?");
        }
        String message = ex.getMessage() == null ? "bad arguments" : ex.getMessage().strip();
        if (message.contains("is not an int") && ex.getArgSpec() != null) {
            String name = ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o ? o.longestName()
                    : ex.getArgSpec().paramLabel();
            return name + " needs a whole number (at most " + Integer.MAX_VALUE + "), got '" + ex.getValue() + "'";
        }
        return message + help;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c != null; c = c.getParent()) {
            sb.insert(0, sb.length() == 0 ? c.getCommandName() : c.getCommandName() + " ");
        }
        return sb.toString();
    }
}
