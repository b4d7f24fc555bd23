package io.touchpoint.alerts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of Grafana's Go templates that the provisioned rule labels use, so that a label such as {@code team} is
 * computed from the series' labels exactly as Grafana computes it: text, {@code {{ $labels.x }}},
 * {@code {{ $v := index $labels "x" }}}, {@code if / else if / else / end} over {@code eq}, {@code ne}, {@code or},
 * {@code and}, {@code not} and parentheses, and the {@code {{-}} / {@code -}}} whitespace trims. Anything else is
 * refused when the rule is loaded rather than rendered wrongly.
 */
public final class LabelTemplate {

    private sealed interface Node permits Text, Print, Assign, If {}

    private record Text(String text) implements Node {}

    private record Print(String expression) implements Node {}

    private record Assign(String variable, String expression) implements Node {}

    private record Branch(String condition, List<Node> body) {}

    private record If(List<Branch> branches, List<Node> otherwise) implements Node {}

    private final String source;
    private final List<Node> nodes;

    private LabelTemplate(String source, List<Node> nodes) {
        this.source = source;
        this.nodes = nodes;
    }

    public static LabelTemplate parse(String template) {
        List<String> tokens = tokens(template);
        int[] at = {0};
        List<Node> nodes = parseList(tokens, at, template);
        if (at[0] < tokens.size()) {
            throw new IllegalArgumentException("unexpected {{" + tokens.get(at[0]) + "}} in template " + template);
        }
        LabelTemplate parsed = new LabelTemplate(template, nodes);
        parsed.render(Map.of()); // refuses unknown functions now, not at the first alert
        return parsed;
    }

    /** The template rendered for a series with these labels. */
    public String render(Map<String, String> labels) {
        StringBuilder out = new StringBuilder();
        execute(nodes, labels, new HashMap<>(), out);
        return out.toString();
    }

    /** Text and actions alternate: even entries are text, odd ones the inside of an action, trims applied. */
    private static List<String> tokens(String template) {
        List<String> tokens = new ArrayList<>();
        int pos = 0;
        while (true) {
            int open = template.indexOf("{{", pos);
            if (open < 0) {
                tokens.add(template.substring(pos));
                return tokens;
            }
            int close = template.indexOf("}}", open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed {{ in template " + template);
            }
            String text = template.substring(pos, open);
            String action = template.substring(open + 2, close);
            if (action.startsWith("-")) {
                text = text.stripTrailing();
                action = action.substring(1);
            }
            tokens.add(text);
            pos = close + 2;
            if (action.endsWith("-")) {
                action = action.substring(0, action.length() - 1);
                while (pos < template.length() && Character.isWhitespace(template.charAt(pos))) {
                    pos++;
                }
            }
            tokens.add(action.strip());
        }
    }

    /** Nodes up to (not including) an {@code else}/{@code end} action or the end of the tokens. */
    private static List<Node> parseList(List<String> tokens, int[] at, String template) {
        List<Node> nodes = new ArrayList<>();
        while (at[0] < tokens.size()) {
            String token = tokens.get(at[0]);
            if (at[0] % 2 == 0) {
                if (!token.isEmpty()) {
                    nodes.add(new Text(token));
                }
                at[0]++;
                continue;
            }
            if (token.equals("end") || token.equals("else") || token.startsWith("else if ")) {
                return nodes;
            }
            at[0]++;
            if (token.startsWith("if ")) {
                List<Branch> branches = new ArrayList<>();
                String condition = token.substring(3);
                List<Node> otherwise = List.of();
                while (true) {
                    List<Node> body = parseList(tokens, at, template);
                    branches.add(new Branch(condition, body));
                    String stop = at[0] < tokens.size() ? tokens.get(at[0]) : "";
                    at[0]++;
                    if (stop.startsWith("else if ")) {
                        condition = stop.substring(8);
                    } else if (stop.equals("else")) {
                        otherwise = parseList(tokens, at, template);
                        if (at[0] >= tokens.size() || !tokens.get(at[0]).equals("end")) {
                            throw new IllegalArgumentException("else without end in template " + template);
                        }
                        at[0]++;
                        break;
                    } else if (stop.equals("end")) {
                        break;
                    } else {
                        throw new IllegalArgumentException("if without end in template " + template);
                    }
                }
                nodes.add(new If(branches, otherwise));
            } else if (token.matches("\\$\\w+ :?= .*")) {
                int eq = token.indexOf('=');
                nodes.add(new Assign(token.substring(0, token.indexOf(' ')), token.substring(eq + 1).strip()));
            } else {
                nodes.add(new Print(token));
            }
        }
        return nodes;
    }

    private void execute(List<Node> list, Map<String, String> labels, Map<String, Object> vars, StringBuilder out) {
        for (Node node : list) {
            if (node instanceof Text t) {
                out.append(t.text());
            } else if (node instanceof Print p) {
                out.append(value(p.expression(), labels, vars));
            } else if (node instanceof Assign a) {
                vars.put(a.variable(), value(a.expression(), labels, vars));
            } else if (node instanceof If i) {
                List<Node> chosen = i.otherwise();
                for (Branch b : i.branches()) {
                    if (truthy(value(b.condition(), labels, vars))) {
                        chosen = b.body();
                        break;
                    }
                }
                execute(chosen, labels, vars, out);
            }
        }
    }

    private static boolean truthy(Object v) {
        return v instanceof Boolean b ? b : !String.valueOf(v).isEmpty();
    }

    /** A pipeline without pipes: a function applied to arguments, or a single value. */
    private Object value(String expression, Map<String, String> labels, Map<String, Object> vars) {
        List<String> words = words(expression);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty action in template " + source);
        }
        List<Object> args = new ArrayList<>();
        for (String w : words.subList(1, words.size())) {
            args.add(operand(w, labels, vars));
        }
        String head = words.get(0);
        return switch (head) {
            case "eq" -> args.size() >= 2 && args.subList(1, args.size()).stream().anyMatch(a -> a.equals(args.get(0)));
            case "ne" -> args.size() == 2 && !args.get(0).equals(args.get(1));
            case "or" -> args.stream().anyMatch(LabelTemplate::truthy);
            case "and" -> !args.isEmpty() && args.stream().allMatch(LabelTemplate::truthy);
            case "not" -> args.size() == 1 && !truthy(args.get(0));
            case "index" -> args.size() == 2 && words.get(1).equals("$labels")
                    ? labels.getOrDefault(String.valueOf(args.get(1)), "")
                    : fail("index takes $labels and a name");
            default -> {
                if (!args.isEmpty()) {
                    yield fail("unknown function " + head);
                }
                yield operand(head, labels, vars);
            }
        };
    }

    private Object operand(String word, Map<String, String> labels, Map<String, Object> vars) {
        if (word.startsWith("(")) {
            return value(word.substring(1, word.length() - 1), labels, vars);
        }
        if (word.startsWith("\"")) {
            return word.substring(1, word.length() - 1).replace("\\\"", "\"");
        }
        if (word.startsWith("$labels.")) {
            return labels.getOrDefault(word.substring(8), "");
        }
        if (word.equals("$labels")) {
            return "";
        }
        if (word.startsWith("$")) {
            Object v = vars.get(word);
            return v != null ? v : fail("undefined variable " + word);
        }
        return fail("unsupported operand " + word);
    }

    private Object fail(String why) {
        throw new IllegalArgumentException(why + " in template " + source);
    }

    /** Words separated by blanks; a quoted string or a parenthesised group is one word. */
    private static List<String> words(String expression) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (c == '"') {
                i++;
                while (i < expression.length() && expression.charAt(i) != '"') {
                    i += expression.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (c == '(') {
                int depth = 0;
                do {
                    char d = expression.charAt(i);
                    depth += d == '(' ? 1 : d == ')' ? -1 : 0;
                    i++;
                } while (depth > 0 && i < expression.length());
            } else {
                while (i < expression.length() && !Character.isWhitespace(expression.charAt(i))) {
                    i++;
                }
            }
            words.add(expression.substring(start, Math.min(i, expression.length())));
        }
        return words;
    }
}
