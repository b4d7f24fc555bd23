package io.touchpoint.frt;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The opening hours of a channel: a time zone, weekly ranges and holiday dates. First-response times of a channel
 * with a calendar count only the time it was open.
 *
 * <h2>Format</h2>
 * One string, parts separated by {@code ;}. The first part is the time zone (an IANA name such as
 * {@code Europe/Berlin}, or {@code UTC}, or an offset such as {@code +01:00}); every further part is either
 * <ul>
 *   <li>{@code DAYS RANGES} — {@code DAYS} is one token without spaces: a day {@code mon..sun}, a span
 *       {@code mon-fri} (it may wrap: {@code fri-mon}), {@code daily}, or a comma list of those
 *       ({@code mon-wed,fri}); {@code RANGES} is a comma list of {@code HH:MM-HH:MM} (local time, end exclusive,
 *       {@code 24:00} allowed as an end). A range whose end is at or before its start runs overnight into the next
 *       day: {@code fri 22:00-02:00} is open Friday 22:00 to Saturday 02:00. Parts may repeat; ranges that
 *       overlap are merged.
 *   <li>{@code holidays DATE,DATE,...} — ISO dates ({@code 2026-12-24}) closed all day, 00:00 to 24:00 local
 *       time, including the part of an overnight range that falls on them.
 * </ul>
 * The whole string {@code always} means open at all times (the same as {@link #always()}).
 * <pre>
 *   Europe/Berlin; mon-fri 09:00-18:00; sat 10:00-14:00; holidays 2026-12-24,2026-12-25
 *   America/New_York; mon-fri 08:00-12:00,13:00-20:00; fri 22:00-02:00
 *   UTC; daily 00:00-24:00
 * </pre>
 *
 * <h2>Daylight saving</h2>
 * Ranges are local times, turned into instants with the zone's rules of that date, so a day with a change has 23
 * or 25 hours and {@code sun 00:00-06:00} lasts 5 or 7 hours then. A local time that does not exist (in the
 * spring gap) moves forward by the length of the gap; an ambiguous one (in the autumn overlap) takes the earlier
 * offset ({@link java.time.ZonedDateTime#of} rules).
 *
 * <p>Immutable and {@link Serializable}: it travels in the job's settings, never in keyed state.
 */
public final class BusinessCalendar implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final int DAY_MINUTES = 24 * 60;
    private static final Pattern RANGE = Pattern.compile("(\\d{1,2}):(\\d{2})-(\\d{1,2}):(\\d{2})");
    private static final String[] DAY_NAMES = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    /** A deadline search gives up after this many days: only a calendar whose ranges all vanish can get there. */
    private static final int MAX_SEARCH_DAYS = 3_660;

    /** The configured text, for messages and logs. */
    private final String spec;
    /** Null for a calendar that is always open. */
    private final ZoneId zone;
    /**
     * Per day of week (index 0 = Monday) the open ranges of that local date as minute-of-day pairs
     * {@code from0, to0, from1, to1, ...}, sorted, merged, within [0, 1440]; overnight ranges are already split.
     */
    private final int[][] week;
    private final TreeSet<LocalDate> holidays;

    private BusinessCalendar(String spec, ZoneId zone, int[][] week, TreeSet<LocalDate> holidays) {
        this.spec = spec;
        this.zone = zone;
        this.week = week;
        this.holidays = holidays;
    }

    /** Open at all times (24/7): open time is plain elapsed time. */
    public static BusinessCalendar always() {
        return new BusinessCalendar("always", null, new int[0][], new TreeSet<>());
    }

    /**
     * Parses the format in the class comment.
     *
     * @throws IllegalArgumentException naming the calendar and the part that is wrong
     */
    public static BusinessCalendar parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("business calendar is empty: expected e.g. "
                    + "'Europe/Berlin; mon-fri 09:00-18:00' or 'always'");
        }
        String text = spec.strip();
        if (text.equalsIgnoreCase("always")) {
            return always();
        }
        String[] parts = text.split(";");
        ZoneId zone = zone(text, parts[0].strip());
        List<List<int[]>> ranges = new ArrayList<>();
        for (int d = 0; d < 7; d++) {
            ranges.add(new ArrayList<>());
        }
        TreeSet<LocalDate> holidays = new TreeSet<>();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.isEmpty()) {
                continue;
            }
            String[] words = part.split("\\s+", 2);
            if (words.length < 2) {
                throw invalid(text, "part '" + part + "' needs days and hours (e.g. 'mon-fri 09:00-18:00') "
                        + "or 'holidays 2026-12-25'");
            }
            if (words[0].equalsIgnoreCase("holidays")) {
                for (String date : words[1].split(",")) {
                    holidays.add(date(text, date.strip()));
                }
                continue;
            }
            boolean[] days = days(text, words[0]);
            for (String range : words[1].split(",")) {
                addRange(text, range.strip(), days, ranges);
            }
        }
        int[][] week = new int[7][];
        boolean anyOpen = false;
        for (int d = 0; d < 7; d++) {
            week[d] = merged(ranges.get(d));
            anyOpen |= week[d].length > 0;
        }
        if (!anyOpen) {
            throw invalid(text, "no opening hours; add e.g. 'mon-fri 09:00-18:00', or use 'always' for 24/7");
        }
        return new BusinessCalendar(text, zone, week, holidays);
    }

    private static ZoneId zone(String spec, String name) {
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw invalid(spec, "'" + name + "' is not a time zone; start with one such as 'Europe/Berlin' or 'UTC'");
        }
    }

    private static LocalDate date(String spec, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(spec, "holiday '" + text + "' is not a date like 2026-12-25");
        }
    }

    private static boolean[] days(String spec, String text) {
        boolean[] days = new boolean[7];
        for (String item : text.toLowerCase(Locale.ROOT).split(",")) {
            if (item.equals("daily")) {
                Arrays.fill(days, true);
                continue;
            }
            String[] ends = item.split("-", -1);
            if (ends.length > 2) {
                throw invalid(spec, "'" + item + "' is not a day or a span of days like 'mon-fri'");
            }
            int from = day(spec, ends[0]);
            int to = ends.length == 2 ? day(spec, ends[1]) : from;
            for (int d = from; ; d = (d + 1) % 7) {
                days[d] = true;
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static int day(String spec, String name) {
        for (int d = 0; d < 7; d++) {
            if (DAY_NAMES[d].equals(name)) {
                return d;
            }
        }
        throw invalid(spec, "'" + name + "' is not a day: use mon, tue, wed, thu, fri, sat, sun or daily");
    }

    /** Adds one {@code HH:MM-HH:MM} to the given days, splitting an overnight range at midnight. */
    private static void addRange(String spec, String text, boolean[] days, List<List<int[]>> ranges) {
        Matcher m = RANGE.matcher(text);
        if (!m.matches()) {
            throw invalid(spec, "opening hours '" + text + "' must look like 09:00-18:00");
        }
        int from = minutes(spec, text, m.group(1), m.group(2), false);
        int to = minutes(spec, text, m.group(3), m.group(4), true);
        if (from == to) {
            throw invalid(spec, "opening hours '" + text + "' are empty; use 00:00-24:00 for a whole day");
        }
        for (int d = 0; d < 7; d++) {
            if (!days[d]) {
                continue;
            }
            if (to > from) {
                ranges.get(d).add(new int[] {from, to});
            } else {
                // overnight: the rest of this day, then the morning of the next
                ranges.get(d).add(new int[] {from, DAY_MINUTES});
                if (to > 0) {
                    ranges.get((d + 1) % 7).add(new int[] {0, to});
                }
            }
        }
    }

    private static int minutes(String spec, String range, String hours, String minutes, boolean end) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        boolean midnightEnd = end && h == 24 && m == 0;
        if ((h > 23 && !midnightEnd) || m > 59) {
            throw invalid(spec, "opening hours '" + range + "': " + hours + ":" + minutes
                    + " is not a time of day (00:00 to 23:59, or 24:00 as an end)");
        }
        return h * 60 + m;
    }

    /** Sorts and merges overlapping or touching ranges into the flat {@code from, to, ...} form. */
    private static int[] merged(List<int[]> ranges) {
        ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> out = new ArrayList<>();
        for (int[] r : ranges) {
            int[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                out.add(new int[] {r[0], r[1]});
            }
        }
        int[] flat = new int[out.size() * 2];
        for (int i = 0; i < out.size(); i++) {
            flat[2 * i] = out.get(i)[0];
            flat[2 * i + 1] = out.get(i)[1];
        }
        return flat;
    }

    private static IllegalArgumentException invalid(String spec, String reason) {
        return new IllegalArgumentException("business calendar '" + spec + "': " + reason);
    }

    /** True for {@link #always()}. */
    public boolean isAlwaysOpen() {
        return zone == null;
    }

    /** The time zone of the weekly hours and holidays; null when always open. */
    public ZoneId zone() {
        return zone;
    }

    /** The holiday dates, in order. */
    public Set<LocalDate> holidays() {
        return Collections.unmodifiableSet(holidays);
    }

    /** Whether the channel is open at this instant. */
    public boolean isOpen(long millis) {
        if (isAlwaysOpen()) {
            return true;
        }
        long[] open = openIntervals(localDate(millis));
        for (int i = 0; i < open.length; i += 2) {
            if (millis >= open[i] && millis < open[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** The open time between two instants in seconds (millisecond precision); 0 when stop is not after start. */
    public double openSecondsBetween(long startMillis, long stopMillis) {
        if (stopMillis <= startMillis) {
            return 0.0;
        }
        if (isAlwaysOpen()) {
            return (stopMillis - startMillis) / 1000.0;
        }
        long openMillis = 0;
        LocalDate last = localDate(stopMillis);
        for (LocalDate d = localDate(startMillis); !d.isAfter(last); d = d.plusDays(1)) {
            long[] open = openIntervals(d);
            for (int i = 0; i < open.length; i += 2) {
                long from = Math.max(open[i], startMillis);
                long to = Math.min(open[i + 1], stopMillis);
                if (to > from) {
                    openMillis += to - from;
                }
            }
        }
        return openMillis / 1000.0;
    }

    /**
     * The last instant {@code t} with {@code openSecondsBetween(start, t) <= budget}: right after it the open time
     * since {@code start} exceeds the budget. When the budget runs out exactly at a closing time, that is the next
     * opening (a reply before the doors open again is still within budget). {@link Long#MAX_VALUE} if the budget is
     * never exceeded.
     */
    public long deadline(long startMillis, long budgetMillis) {
        if (isAlwaysOpen()) {
            return saturatedAdd(startMillis, budgetMillis);
        }
        long remaining = budgetMillis;
        LocalDate d = localDate(startMillis);
        for (int day = 0; day < MAX_SEARCH_DAYS; day++, d = d.plusDays(1)) {
            long[] open = openIntervals(d);
            for (int i = 0; i < open.length; i += 2) {
                long from = Math.max(open[i], startMillis);
                long to = open[i + 1];
                if (to <= from) {
                    continue;
                }
                // strictly more than the remaining budget: the budget is exceeded inside this interval
                if (to - from > remaining) {
                    return from + remaining;
                }
                remaining -= to - from;
            }
        }
        return Long.MAX_VALUE;
    }

    private LocalDate localDate(long millis) {
        return Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
    }

    /** The open intervals of one local date as epoch-milli pairs {@code from, to, ...}, in order. */
    private long[] openIntervals(LocalDate date) {
        if (holidays.contains(date)) {
            return new long[0];
        }
        int[] ranges = week[date.getDayOfWeek().getValue() - 1];
        long[] out = new long[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            out[i] = date.atStartOfDay().plusMinutes(ranges[i]).atZone(zone).toInstant().toEpochMilli();
        }
        return out;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BusinessCalendar other && spec.equals(other.spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode();
    }

    @Override
    public String toString() {
        return spec;
    }
}
