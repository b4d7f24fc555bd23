package io.touchpoint.alerts;

/** Grafana's InfluxQL macros, substituted as Grafana does before it sends a query of a panel or an alert rule. */
public final class GrafanaMacros {

    private GrafanaMacros() {}

    /**
     * The query as Grafana sends it for a time range of {@code rangeSeconds} ending at {@code endMillis}:
     * {@code $timeFilter} becomes the range, {@code ${__from}} and {@code ${__to}} its ends in epoch milliseconds,
     * {@code $__interval} one minute, {@code $channel} the chosen channel and {@code $touchpoint} All (Grafana's
     * regex {@code .*}).
     */
    public static String substitute(String query, long endMillis, long rangeSeconds, String channel) {
        long start = endMillis - rangeSeconds * 1000;
        return query.replace("$timeFilter", "time >= " + start + "ms and time <= " + endMillis + "ms")
                .replace("${__from}", String.valueOf(start))
                .replace("${__to}", String.valueOf(endMillis))
                .replace("$__interval", "1m")
                .replace("$channel", channel)
                .replace("$touchpoint", ".*");
    }
}
