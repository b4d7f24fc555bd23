package io.touchpoint.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Grafana's notification policy tree from {@code policies.yaml}: an alert goes down the first matching route at
 * each level (routes here never set {@code continue}), and the deepest match's receiver, or the nearest one above
 * it, gets it.
 */
public final class Routing {

    private record Matcher(String label, String op, String value) {

        boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(label, "");
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> Pattern.matches(value, actual);
                case "!~" -> !Pattern.matches(value, actual);
                default -> throw new IllegalArgumentException("unknown matcher operator " + op);
            };
        }
    }

    private record Route(String receiver, List<Matcher> matchers, List<Route> routes) {}

    private final Route root;

    private Routing(Route root) {
        this.root = root;
    }

    /** The first policy tree of a provisioning file ({@code policies:}). */
    public static Routing of(JsonNode policiesFile) {
        JsonNode first = policiesFile.path("policies").path(0);
        if (first.isMissingNode()) {
            throw new IllegalArgumentException("no policies in the policies file");
        }
        return new Routing(route(first));
    }

    private static Route route(JsonNode node) {
        List<Matcher> matchers = new ArrayList<>();
        for (JsonNode m : node.path("object_matchers")) {
            matchers.add(new Matcher(m.path(0).asText(), m.path(1).asText(), m.path(2).asText()));
        }
        List<Route> routes = new ArrayList<>();
        for (JsonNode child : node.path("routes")) {
            routes.add(route(child));
        }
        return new Route(node.path("receiver").asText(null), matchers, routes);
    }

    /** The contact point an alert with these labels is sent to. */
    public String receiver(Map<String, String> labels) {
        Route at = root;
        String receiver = root.receiver();
        boolean descended = true;
        while (descended) {
            descended = false;
            for (Route child : at.routes()) {
                if (child.matchers().stream().allMatch(m -> m.matches(labels))) {
                    at = child;
                    if (child.receiver() != null) {
                        receiver = child.receiver();
                    }
                    descended = true;
                    break;
                }
            }
        }
        return receiver;
    }
}
