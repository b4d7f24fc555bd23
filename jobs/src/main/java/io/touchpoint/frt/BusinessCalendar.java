package io.touchpoint.frt;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Opening hours of a channel: a time zone, weekly ranges (several a day; a range that ends at or before it starts
 * runs overnight into the next day) and holiday dates (no range starts on them). First-response times count only
 * open time when a channel has a calendar.
 *
 * <p>Format, parts separated by {@code ;}:
 * <pre>
 *   Europe/Berlin; mon-fri 09:00-18:00; sat 10:00-14:00; holidays 2026-12-24,2026-12-25
 *   America/New_York; mon-fri 08:00-12:00,13:00-20:00; fri 22:00-02:00
 *   UTC; daily 00:00-24:00
 * </pre>
 * Days are {@code mon..sun}, ranges of them ({@code mon-fri}), lists ({@code sat,sun}) or {@code daily}.
 * Local times follow the zone's rules, so days with a daylight-saving change have 23 or 25 hours.
 */
public final class BusinessCalendar implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Searching for a deadline gives up after this many days (a calendar with no opening at all). */
    private static final int MAX_DAYS = 800;

    private record Range(LocalTime open, LocalTime close, boolean overnight) implements Serializable {}

    private final ZoneId zone;
    private final Map<DayOfWeek, List<Range>> week;
    private final Set<LocalDate> holidays;
    private final String spec;

    private BusinessCalendar(ZoneId zone, Map<DayOfWeek, List<Range>> week, Set<LocalDate> holidays, String spec) {
        this.zone = zone;
        this.week = week;
        this.holidays = holidays;
        this.spec = spec;
    }

    /** Open at all times: first-response time is plain elapsed time. */
    public static BusinessCalendar always() {
        return parse("UTC; daily 00:00-24:00");
    }

    public static BusinessCalendar parse(String spec) {
        String[] parts = spec.split(";");
        ZoneId zone;
        try {
            zone = ZoneId.of(parts[0].strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("calendar must start with a time zone like Europe/Berlin, got '"
                    + parts[0].strip() + "'");
        }
        Map<DayOfWeek, List<Range>> week = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : DayOfWeek.values()) {
            week.put(d, new ArrayList<>());
        }
        Set<LocalDate> holidays = new HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.isEmpty()) {
                continue;
            }
            String[] words = part.split("\\s+", 2);
            if (words.length != 2) {
                throw new IllegalArgumentException("calendar part '" + part + "' needs days and times");
            }
            if (words[0].equalsIgnoreCase("holidays")) {
                for (String date : words[1].split(",")) {
                    try {
                        holidays.add(LocalDate.parse(date.strip()));
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("holiday '" + date.strip() + "' is not a date like 2026-12-25");
                    }
                }
                continue;
            }
            List<DayOfWeek> days = days(words[0]);
            for (String range : words[1].split(",")) {
                Range r = range(range.strip());
                for (DayOfWeek d : days) {
                    week.get(d).add(r);
                }
            }
        }
        return new BusinessCalendar(zone, week, holidays, spec.strip());
    }

    private static List<DayOfWeek> days(String spec) {
        List<DayOfWeek> days = new ArrayList<>();
        for (String item : spec.toLowerCase(Locale.ROOT).split(",")) {
            if (item.equals("daily")) {
                days.addAll(List.of(DayOfWeek.values()));
            } else if (item.contains("-")) {
                String[] ends = item.split("-");
                DayOfWeek from = day(ends[0]);
                DayOfWeek to = day(ends[1]);
                for (DayOfWeek d = from; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == to) {
                        break;
                    }
                }
            } else {
                days.add(day(item));
            }
        }
        return days;
    }

    private static DayOfWeek day(String abbreviation) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().substring(0, 3).equalsIgnoreCase(abbreviation.strip())) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + abbreviation.strip() + "' is not a day (mon, tue, ..., sun, daily)");
    }

    private static Range range(String spec) {
        String[] ends = spec.split("-");
        if (ends.length != 2) {
            throw new IllegalArgumentException("opening hours '" + spec + "' must look like 09:00-18:00");
        }
        try {
            LocalTime open = LocalTime.parse(ends[0].strip());
            boolean endOfDay = ends[1].strip().equals("24:00");
            LocalTime close = endOfDay ? LocalTime.MIDNIGHT : LocalTime.parse(ends[1].strip());
            return new Range(open, close, endOfDay || !close.isAfter(open));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("opening hours '" + spec + "' must look like 09:00-18:00");
        }
    }

    /** Open time between two instants, in seconds. */
    public double openSecondsBetween(long startMillis, long stopMillis) {
        if (stopMillis <= startMillis) {
            return 0.0;
        }
        long open = 0;
        LocalDate first = Instant.ofEpochMilli(startMillis).atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = Instant.ofEpochMilli(stopMillis).atZone(zone).toLocalDate();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            for (long[] interval : intervals(d)) {
                long from = Math.max(interval[0], startMillis);
                long to = Math.min(interval[1], stopMillis);
                if (to > from) {
                    open += to - from;
                }
            }
        }
        return open / 1000.0;
    }

    /**
     * The instant at which the open time since {@code startMillis} reaches {@code targetMillis}, or
     * {@link Long#MAX_VALUE} if it never does within two years.
     */
    public long instantAfterOpen(long startMillis, long targetMillis) {
        long remaining = targetMillis;
        LocalDate d = Instant.ofEpochMilli(startMillis).atZone(zone).toLocalDate().minusDays(1);
        for (int i = 0; i < MAX_DAYS; i++, d = d.plusDays(1)) {
            for (long[] interval : intervals(d)) {
                long from = Math.max(interval[0], startMillis);
                if (interval[1] <= from) {
                    continue;
                }
                long available = interval[1] - from;
                if (available >= remaining) {
                    return from + remaining;
                }
                remaining -= available;
            }
        }
        return Long.MAX_VALUE;
    }

    public boolean isOpen(long millis) {
        LocalDate today = Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
        for (LocalDate d = today.minusDays(1); !d.isAfter(today); d = d.plusDays(1)) {
            for (long[] interval : intervals(d)) {
                if (millis >= interval[0] && millis < interval[1]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The open intervals [from, to) in epoch millis of the ranges that start on local date {@code d}, in order. */
    private List<long[]> intervals(LocalDate d) {
        List<long[]> result = new ArrayList<>();
        if (holidays.contains(d)) {
            return result;
        }
        for (Range r : week.get(d.getDayOfWeek())) {
            long from = ZonedDateTime.of(d, r.open(), zone).toInstant().toEpochMilli();
            LocalDate closeDate = r.overnight() ? d.plusDays(1) : d;
            long to = ZonedDateTime.of(closeDate, r.close(), zone).toInstant().toEpochMilli();
            result.add(new long[] {from, to});
        }
        result.sort((a, b) -> Long.compare(a[0], b[0]));
        return result;
    }

    @Override
    public String toString() {
        return spec;
    }
}
