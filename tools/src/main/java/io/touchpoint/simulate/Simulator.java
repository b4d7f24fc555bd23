package io.touchpoint.simulate;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;

/**
 * Synthetic contact-centre traffic, in event-time order and the same for the same seed.
 *
 * <p>Each channel has its own arrival process (Poisson, with a day curve: quiet at night, busy in the afternoon).
 * A conversation opens, the customer writes, a bot may answer first, an agent replies after a channel-specific
 * log-normal delay — unless the customer's patience runs out first (abandoned) — there may be more exchanges and
 * an internal note, it is resolved, sometimes reopened and answered again, and about a third of resolved
 * conversations get a survey whose score suffers when the first reply was slow. A pool of customers makes some
 * come back. Every record satisfies the field rules of SPEC §5.
 */
public final class Simulator implements Iterator<SpecificRecord> {

    private final Scenario scenario;
    private final long start;
    private final long end;
    private final Duration duration;
    private final long seed;
    private final String run;
    private final SplittableRandom random;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private final int customers;
    private final double scale;
    private long sequence;
    private long conversations;
    private long events;
    private long responses;

    /** Something that happens at a time: an arrival of a channel, or a record to emit. */
    private record Scheduled(long at, long order, ChannelProfile arrival, SpecificRecord record)
            implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    public Simulator(Scenario scenario, Instant start, Duration duration, long seed) {
        this(scenario, start, duration, seed, 1);
    }

    /**
     * @param scale how many times the steady volume of every channel: arrivals (and so every event and survey) and
     *     the customer base grow by this factor, so the centre is bigger rather than its customers busier
     */
    public Simulator(Scenario scenario, Instant start, Duration duration, long seed, double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
        this.scale = scale;
        this.scenario = scenario;
        this.start = start.toEpochMilli();
        this.duration = duration;
        this.end = this.start + duration.toMillis();
        this.seed = seed;
        // Ids carry the seed and the period's start, so that runs over different periods never share an event,
        // conversation or response id (the job would drop them as duplicates) while the same run is the same.
        this.run = seed + "-" + Long.toString(this.start / 1000, 36);
        this.random = new SplittableRandom(seed);
        // A customer base large enough that most conversations are a customer's first: some come back, few daily.
        this.customers = (int) Math.min(Integer.MAX_VALUE, Math.max(500, duration.toHours() * 2_000 * scale));
        for (ChannelProfile profile : ChannelProfile.ALL) {
            scheduleArrival(profile, this.start);
        }
    }

    /** The remaining records as a sequential stream, in the same order as this iterator. */
    public Stream<SpecificRecord> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public boolean hasNext() {
        advance();
        return !queue.isEmpty();
    }

    @Override
    public SpecificRecord next() {
        advance();
        if (queue.isEmpty()) {
            throw new NoSuchElementException();
        }
        return queue.poll().record;
    }

    /** Turns arrivals at the head of the queue into conversations until a record is next. */
    private void advance() {
        while (!queue.isEmpty() && queue.peek().arrival != null) {
            Scheduled arrival = queue.poll();
            openConversation(arrival.arrival, arrival.at);
            scheduleArrival(arrival.arrival, arrival.at);
        }
    }

    private void scheduleArrival(ChannelProfile profile, long after) {
        long at = after;
        // Thinning: candidate arrivals at the peak rate, kept with probability rate(t) / peak.
        double peakFactor = scenario.incidentChannel() == profile.channel() ? Math.max(1, scenario.arrivalFactor()) : 1;
        double peakPerMilli = profile.peakPerHour() * peakFactor * scale / 3_600_000.0;
        while (true) {
            at += (long) Math.ceil(-Math.log(1 - random.nextDouble()) / peakPerMilli);
            if (at >= end) {
                return;
            }
            double rate = (scenario.dayCurve() ? dayCurve(at) : 0.85) * (scenario.affects(profile.channel(), at, start, duration)
                    ? scenario.arrivalFactor() : 1);
            if (random.nextDouble() * peakFactor < rate) {
                queue.add(new Scheduled(at, sequence++, profile, null));
                return;
            }
        }
    }

    /** Share of the peak arrival rate at an instant: low at night, highest mid-afternoon (UTC). */
    static double dayCurve(long at) {
        double hour = Instant.ofEpochMilli(at).atOffset(ZoneOffset.UTC).getHour()
                + Instant.ofEpochMilli(at).atOffset(ZoneOffset.UTC).getMinute() / 60.0;
        if (hour < 6 || hour >= 22) {
            return 0.15;
        }
        double s = Math.sin(Math.PI * (hour - 6) / 16);
        return 0.25 + 0.75 * s * s;
    }

    private void openConversation(ChannelProfile p, long t0) {
        Channel channel = p.channel();
        String conversation = "conv-" + run + "-" + (++conversations);
        String customer = "cust-" + seed + "-" + (1 + random.nextInt(customers));
        String touchpoint = p.touchpoints().get(random.nextInt(p.touchpoints().size()));
        String agent = "agent-" + channel.name().toLowerCase(Locale.ROOT) + "-" + (1 + random.nextInt(12));
        Conversation c = new Conversation(channel, touchpoint, customer, conversation);

        c.add(t0, InteractionType.CONVERSATION_OPENED, null, null);
        long t = t0 + seconds(2, 20);
        c.add(t, InteractionType.CUSTOMER_MESSAGE, null, sentiment(p, 0));
        if (p.botFirst()) {
            c.add(t + seconds(1, 4), InteractionType.BOT_MESSAGE, null, null);
        }
        boolean incident = scenario.affects(channel, t, start, duration);
        double delay = logNormal(p.medianReplySeconds() * (incident ? scenario.replyDelayFactor() : 1), 0.6);
        if (incident && scenario.agentsOffline()) {
            delay = (scenario.incidentEnd(start, duration) - t) / 1000.0 + logNormal(p.medianReplySeconds(), 0.6);
        }
        double patience = logNormal(p.medianPatienceSeconds(), 0.9);
        if (random.nextDouble() < 0.08) {
            c.add(t + (long) (Math.min(delay, patience) * 500), InteractionType.INTERNAL_NOTE, agent, null);
        }
        if (delay > patience) {
            c.add(t + (long) (patience * 1000), InteractionType.CUSTOMER_ABANDONED, null, null);
            return;
        }
        long reply = t + (long) (delay * 1000);
        c.add(reply, InteractionType.AGENT_MESSAGE, agent, null);
        long last = reply;
        int exchanges = random.nextInt(3);
        for (int i = 0; i < exchanges; i++) {
            last += seconds(20, 300);
            c.add(last, InteractionType.CUSTOMER_MESSAGE, null, sentiment(p, delay / p.medianReplySeconds()));
            last += (long) (logNormal(p.medianReplySeconds() / 3, 0.6) * 1000);
            c.add(last, InteractionType.AGENT_MESSAGE, agent, null);
        }
        // A wave of cancellations: the customer asks to cancel, and the retention team sends an NPS exit survey.
        boolean cancels = random.nextDouble() < (incident && scenario.cancellationShare() > 0
                ? scenario.cancellationShare() : 0.03);
        if (cancels) {
            last += seconds(10, 120);
            c.add(last, InteractionType.CANCELLATION_REQUESTED, null, sentiment(p, 2));
        }
        last += seconds(30, 600);
        c.add(last, InteractionType.CONVERSATION_RESOLVED, agent, null);
        if (random.nextDouble() < 0.07) {
            last += seconds(600, 36_000);
            c.add(last, InteractionType.CONVERSATION_REOPENED, null, null);
            last += (long) (logNormal(p.medianReplySeconds(), 0.6) * 1000);
            c.add(last, InteractionType.AGENT_MESSAGE, agent, null);
            last += seconds(30, 600);
            c.add(last, InteractionType.CONVERSATION_RESOLVED, agent, null);
        }
        if (cancels && incident && scenario.cancellationShare() > 0) {
            survey(p, c, last + seconds(60, 1800), delay / p.medianReplySeconds(), incident, SurveyType.NPS);
        } else if (random.nextDouble() < 0.35) {
            double u = random.nextDouble();
            survey(p, c, last + seconds(60, 1800), delay / p.medianReplySeconds(), incident,
                    u < 0.6 ? SurveyType.NPS : u < 0.9 ? SurveyType.CSAT : SurveyType.CES);
        }
    }

    private void survey(ChannelProfile p, Conversation c, long at, double slowness, boolean incident,
            SurveyType type) {
        // Slow first replies cost up to three points of NPS; an incident shifts the mean on its channel.
        double penalty = Math.min(3, Math.max(0, Math.log(slowness) / Math.log(2)));
        double nps = p.meanNps() - penalty + (incident ? scenario.npsShift() : 0) + random.nextGaussian() * 2.0;
        int npsScore = (int) Math.round(Math.max(0, Math.min(10, nps)));
        int score = switch (type) {
            case NPS -> npsScore;
            case CSAT -> 1 + (int) Math.round(npsScore * 0.4);
            case CES -> 7 - (int) Math.round(npsScore * 0.6);
        };
        // A broken survey form sends a score out of range (the job rejects it as a dead letter).
        boolean broken = scenario.invalidScoreShare() > 0 && scenario.affects(p.channel(), at, start, duration)
                && random.nextDouble() < scenario.invalidScoreShare();
        add(at, SurveyResponse.newBuilder()
                .setResponseId("resp-" + run + "-" + (++responses))
                .setOccurredAt(Instant.ofEpochMilli(at))
                .setChannel(p.channel())
                .setTouchpoint(c.touchpoint)
                .setCustomerId(c.customer)
                .setConversationId(c.conversation)
                .setSurvey(type)
                .setScore(broken ? (type == SurveyType.NPS ? 11 : 0) : Math.max(type == SurveyType.NPS ? 0 : 1, score))
                .build());
    }

    private Float sentiment(ChannelProfile p, double frustration) {
        if (!p.textual()) {
            return null;
        }
        double s = 0.2 - 0.15 * frustration + random.nextGaussian() * 0.35;
        return (float) Math.max(-1, Math.min(1, s));
    }

    private long seconds(int min, int max) {
        return 1000L * (min + random.nextInt(max - min + 1));
    }

    private double logNormal(double median, double sigma) {
        return median * Math.exp(sigma * random.nextGaussian());
    }

    private void add(long at, SpecificRecord record) {
        if (scenario.channelDown() && scenario.affects(record instanceof InteractionEvent e ? e.getChannel()
                : ((SurveyResponse) record).getChannel(), at, start, duration)) {
            return; // the channel is down: nothing of it reaches Kafka
        }
        if (at < end) {
            queue.add(new Scheduled(at, sequence++, null, record));
        }
    }

    /** Collects one conversation's events; they are queued in their own time order. */
    private final class Conversation {
        final Channel channel;
        final String touchpoint;
        final String customer;
        final String conversation;

        Conversation(Channel channel, String touchpoint, String customer, String conversation) {
            this.channel = channel;
            this.touchpoint = touchpoint;
            this.customer = customer;
            this.conversation = conversation;
        }

        void add(long at, InteractionType type, String agent, Float sentiment) {
            Simulator.this.add(at, InteractionEvent.newBuilder()
                    .setEventId("evt-" + run + "-" + (++events))
                    .setOccurredAt(Instant.ofEpochMilli(at))
                    .setChannel(channel)
                    .setTouchpoint(touchpoint)
                    .setCustomerId(customer)
                    .setConversationId(conversation)
                    .setType(type)
                    .setAgentId(agent)
                    .setSentiment(sentiment)
                    .build());
        }
    }
}
