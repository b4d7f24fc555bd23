package io.touchpoint.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.ingest.FieldRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    private static final Instant START = Instant.parse("2026-11-02T08:00:00Z");

    private static List<SpecificRecord> run(Scenario scenario, long seed, Duration duration) {
        List<SpecificRecord> records = new ArrayList<>();
        new Simulator(scenario, START, duration, seed).forEachRemaining(records::add);
        return records;
    }

    private static long at(SpecificRecord r) {
        return r instanceof InteractionEvent e ? e.getOccurredAt().toEpochMilli()
                : ((SurveyResponse) r).getOccurredAt().toEpochMilli();
    }

    @Test
    void theSameSeedGivesTheSameTrafficAndAnotherSeedOtherTraffic() {
        List<SpecificRecord> a = run(Scenario.steady(), 42, Duration.ofHours(2));
        assertThat(a).isEqualTo(run(Scenario.steady(), 42, Duration.ofHours(2)));
        assertThat(a).isNotEqualTo(run(Scenario.steady(), 43, Duration.ofHours(2)));
        assertThat(a.size()).isGreaterThan(2000);
    }

    @Test
    void recordsAreInEventTimeOrderWithinThePeriodAndValid() {
        List<SpecificRecord> records = run(Scenario.steady(), 5, Duration.ofHours(3));
        FieldRules rules = new FieldRules(0);
        long now = START.plus(Duration.ofHours(3)).toEpochMilli();
        Set<String> ids = new HashSet<>();
        Set<Channel> channels = new HashSet<>();
        Set<InteractionType> types = new HashSet<>();
        long previous = Long.MIN_VALUE;
        for (SpecificRecord r : records) {
            assertThat(at(r)).isGreaterThanOrEqualTo(previous).isLessThan(now);
            previous = at(r);
            if (r instanceof InteractionEvent e) {
                assertThat(rules.check(e, now)).isNull();
                assertThat(ids.add(e.getEventId())).isTrue();
                channels.add(e.getChannel());
                types.add(e.getType());
            } else {
                assertThat(rules.check((SurveyResponse) r, now)).isNull();
                assertThat(ids.add(((SurveyResponse) r).getResponseId())).isTrue();
            }
        }
        assertThat(channels).containsExactlyInAnyOrder(Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.SOCIAL,
                Channel.SMS, Channel.WEB, Channel.APP, Channel.STORE);
        assertThat(types).contains(InteractionType.BOT_MESSAGE, InteractionType.INTERNAL_NOTE,
                InteractionType.CONVERSATION_REOPENED, InteractionType.CUSTOMER_ABANDONED,
                InteractionType.CANCELLATION_REQUESTED, InteractionType.CONVERSATION_RESOLVED);
    }

    @Test
    void theEmailOutageSlowsEmailRepliesInTheSecondHalf() {
        // Ten days, outage from day 5: compare e-mails opened before day 4 with those opened on day 5 (whose slow
        // replies still arrive before the run ends).
        Duration duration = Duration.ofDays(10);
        long day = Duration.ofDays(1).toMillis();
        long start = START.toEpochMilli();
        Map<String, Long> opened = new HashMap<>();
        List<Long> before = new ArrayList<>();
        List<Long> during = new ArrayList<>();
        Set<String> answered = new HashSet<>();
        List<Integer> npsBefore = new ArrayList<>();
        List<Integer> npsAfter = new ArrayList<>();
        new Simulator(Scenario.named("email-outage"), START, duration, 9).forEachRemaining(r -> {
            if (r instanceof SurveyResponse s && s.getChannel() == Channel.EMAIL
                    && s.getSurvey() == SurveyType.NPS) {
                (opened.get(s.getConversationId()) < start + 5 * day ? npsBefore : npsAfter).add(s.getScore());
            }
            if (r instanceof InteractionEvent e && e.getChannel() == Channel.EMAIL) {
                if (e.getType() == InteractionType.CUSTOMER_MESSAGE) {
                    opened.putIfAbsent(e.getConversationId(), e.getOccurredAt().toEpochMilli());
                } else if (e.getType() == InteractionType.AGENT_MESSAGE && answered.add(e.getConversationId())) {
                    long first = opened.get(e.getConversationId());
                    long delay = e.getOccurredAt().toEpochMilli() - first;
                    if (first < start + 4 * day) {
                        before.add(delay);
                    } else if (first >= start + 5 * day && first < start + 6 * day) {
                        during.add(delay);
                    }
                }
            }
        });
        assertThat(before.size()).isGreaterThan(100);
        assertThat(during.size()).isGreaterThan(20);
        assertThat(median(during)).isGreaterThan(3 * median(before));
        // NPS -3 points for e-mails of the second half, plus what the slow replies cost
        assertThat(npsBefore.size()).isGreaterThan(100);
        assertThat(npsAfter.size()).isGreaterThan(100);
        assertThat(mean(npsBefore) - mean(npsAfter)).isGreaterThan(3.0);
    }

    private static double mean(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).average().orElseThrow();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void scenariosComeFromFilesBuiltInOrGiven(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertThat(Scenario.builtIn()).containsExactly("steady", "email-outage", "chat-surge", "nps-drop",
                "chat-agents-offline", "cancellations-wave", "sms-gateway-down", "broken-survey-form");
        Scenario outage = Scenario.named("email-outage");
        assertThat(outage.incidentChannel()).isEqualTo(Channel.EMAIL);
        assertThat(outage.incidentFrom()).isEqualTo(0.5);
        assertThat(outage.replyDelayFactor()).isEqualTo(6.0);
        assertThat(outage.npsShift()).isEqualTo(-3.0);
        java.nio.file.Path file = dir.resolve("sms-storm.properties");
        java.nio.file.Files.writeString(file, "name = sms-storm\nincident.channel = SMS\narrival-factor = 5\n");
        Scenario storm = Scenario.named(file.toString());
        assertThat(storm.name()).isEqualTo("sms-storm");
        assertThat(storm.incidentChannel()).isEqualTo(Channel.SMS);
        assertThat(storm.incidentTo()).isEqualTo(1.0);
        assertThat(storm.arrivalFactor()).isEqualTo(5.0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenario.named("tornado"))
                .hasMessage("unknown scenario 'tornado' (a file, or one of steady, email-outage, chat-surge, nps-drop, "
                        + "chat-agents-offline, cancellations-wave, sms-gateway-down, broken-survey-form)");
        java.nio.file.Path bad = dir.resolve("bad.properties");
        java.nio.file.Files.writeString(bad, "incident.channel = web\ninvalid-score-share = 1.5\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenario.named(bad.toString()))
                .hasMessageContaining("invalid-score-share must be between 0 and 1, got 1.5");
    }

    @Test
    void incidentsChangeOnlyTheirChannelInTheirPart() {
        Duration span = Duration.ofHours(4);
        long middle = START.toEpochMilli() + span.toMillis() / 2;
        // the cancellations wave: phone conversations ask to cancel four times in ten, each with an NPS exit survey
        long[] cancels = new long[4]; // phone before, phone during, chat before, chat during
        new Simulator(Scenario.named("cancellations-wave").daytimeAllDay(), START, span, 3).forEachRemaining(r -> {
            if (r instanceof InteractionEvent e && e.getType() == InteractionType.CANCELLATION_REQUESTED) {
                int i = (e.getChannel() == Channel.PHONE ? 0 : 2) + (e.getOccurredAt().toEpochMilli() >= middle ? 1 : 0);
                cancels[i]++;
            }
        });
        assertThat(cancels[1]).isGreaterThan(8 * cancels[0]).isGreaterThan(100);
        assertThat(cancels[3]).isLessThan(2 * cancels[2] + 5);
        // the SMS gateway down: nothing of sms in the second half, everything else as usual
        long[] sms = new long[2];
        long[] chat = new long[2];
        new Simulator(Scenario.named("sms-gateway-down").daytimeAllDay(), START, span, 3).forEachRemaining(r -> {
            Channel c = r instanceof InteractionEvent e ? e.getChannel() : ((SurveyResponse) r).getChannel();
            long at = r instanceof InteractionEvent e ? e.getOccurredAt().toEpochMilli()
                    : ((SurveyResponse) r).getOccurredAt().toEpochMilli();
            int half = at >= middle ? 1 : 0;
            if (c == Channel.SMS) {
                sms[half]++;
            } else if (c == Channel.CHAT) {
                chat[half]++;
            }
        });
        assertThat(sms[0]).isGreaterThan(100);
        assertThat(sms[1]).isZero();
        assertThat(chat[1]).isGreaterThan(chat[0] / 2);
        // the broken survey form: every web answer in the second half carries a score out of range
        long[] web = new long[3]; // valid before, valid during, out of range during
        List<Channel> brokenChannels = new ArrayList<>();
        new Simulator(Scenario.named("broken-survey-form").daytimeAllDay(), START, span, 3).forEachRemaining(r -> {
            if (r instanceof SurveyResponse s) {
                boolean outOfRange = s.getSurvey() == SurveyType.NPS ? s.getScore() > 10
                        : s.getScore() < 1 || s.getScore() > (s.getSurvey() == SurveyType.CSAT ? 5 : 7);
                if (outOfRange) {
                    brokenChannels.add(s.getChannel());
                    assertThat(s.getOccurredAt().toEpochMilli()).isGreaterThanOrEqualTo(middle);
                    web[2]++;
                } else if (s.getChannel() == Channel.WEB) {
                    web[s.getOccurredAt().toEpochMilli() >= middle ? 1 : 0]++;
                }
            }
        });
        assertThat(brokenChannels).isNotEmpty().containsOnly(Channel.WEB);
        assertThat(web[1]).isZero();
        assertThat(web[2]).isPositive();
        assertThat(web[0]).isPositive();
    }

    @Test
    void firstRepliesFollowEachChannelsLogNormalDelay() {
        // Five days; only conversations opened in the first three, so that slow e-mail replies are all inside.
        Map<String, Long> asked = new HashMap<>();
        Map<Channel, List<Long>> delays = new HashMap<>();
        Set<String> answered = new HashSet<>();
        long cutoff = START.plus(Duration.ofDays(3)).toEpochMilli();
        new Simulator(Scenario.steady(), START, Duration.ofDays(5), 11).forEachRemaining(r -> {
            if (r instanceof InteractionEvent e) {
                if (e.getType() == InteractionType.CUSTOMER_MESSAGE) {
                    asked.putIfAbsent(e.getConversationId(), e.getOccurredAt().toEpochMilli());
                } else if (e.getType() == InteractionType.AGENT_MESSAGE && answered.add(e.getConversationId())
                        && asked.get(e.getConversationId()) < cutoff) {
                    delays.computeIfAbsent(e.getChannel(), c -> new ArrayList<>())
                            .add(e.getOccurredAt().toEpochMilli() - asked.get(e.getConversationId()));
                }
            }
        });
        for (ChannelProfile profile : ChannelProfile.ALL) {
            List<Long> samples = delays.get(profile.channel());
            assertThat(samples).as(profile.channel().name()).hasSizeGreaterThan(300);
            // the median of a log-normal is its scale; with >300 samples the sample median is within a few %
            assertThat(median(samples) / 1000.0).as(profile.channel().name())
                    .isBetween(0.85 * profile.medianReplySeconds(), 1.15 * profile.medianReplySeconds());
        }
        assertThat(median(delays.get(Channel.PHONE))).isLessThan(median(delays.get(Channel.CHAT)));
        assertThat(median(delays.get(Channel.CHAT))).isLessThan(median(delays.get(Channel.SMS)));
        assertThat(median(delays.get(Channel.SOCIAL))).isLessThan(median(delays.get(Channel.EMAIL)));
    }

    @Test
    void aboutAThirdOfResolvedConversationsGetASurveyAndSomeCustomersReturn() {
        Set<String> resolved = new HashSet<>();
        Map<String, Set<String>> conversationsByCustomer = new HashMap<>();
        Map<SurveyType, Integer> surveys = new HashMap<>();
        new Simulator(Scenario.steady(), START, Duration.ofDays(1), 3).forEachRemaining(r -> {
            if (r instanceof InteractionEvent e) {
                conversationsByCustomer.computeIfAbsent(e.getCustomerId(), c -> new HashSet<>())
                        .add(e.getConversationId());
                if (e.getType() == InteractionType.CONVERSATION_RESOLVED) {
                    resolved.add(e.getConversationId());
                }
            } else {
                SurveyResponse s = (SurveyResponse) r;
                assertThat(resolved).contains(s.getConversationId());
                surveys.merge(s.getSurvey(), 1, Integer::sum);
            }
        });
        int total = surveys.values().stream().mapToInt(Integer::intValue).sum();
        assertThat((double) total / resolved.size()).isBetween(0.28, 0.40);
        // 60 % NPS, 30 % CSAT, 10 % CES
        assertThat((double) surveys.get(SurveyType.NPS) / total).isBetween(0.55, 0.65);
        assertThat((double) surveys.get(SurveyType.CES) / total).isBetween(0.07, 0.13);
        long conversations = conversationsByCustomer.values().stream().mapToLong(Set::size).sum();
        long returning = conversationsByCustomer.values().stream().filter(c -> c.size() > 1)
                .mapToLong(c -> c.size() - 1).sum();
        assertThat((double) returning / conversations).isBetween(0.02, 0.30);
    }

    @Test
    void runsOverDifferentPeriodsShareNoIds() {
        Set<String> first = ids(run(Scenario.steady(), 1, Duration.ofHours(1)));
        List<SpecificRecord> later = new ArrayList<>();
        new Simulator(Scenario.steady(), START.plus(Duration.ofHours(1)), Duration.ofHours(1), 1)
                .stream().forEach(later::add);
        Set<String> second = ids(later);
        assertThat(first).hasSizeGreaterThan(500);
        assertThat(second).hasSizeGreaterThan(500).doesNotContainAnyElementsOf(first);
    }

    private static Set<String> ids(List<SpecificRecord> records) {
        Set<String> ids = new HashSet<>();
        for (SpecificRecord r : records) {
            if (r instanceof InteractionEvent e) {
                ids.add(e.getEventId());
                ids.add(e.getConversationId());
            } else {
                ids.add(((SurveyResponse) r).getResponseId());
            }
        }
        return ids;
    }

    @Test
    void scaleMultipliesTheConversationsOfEveryChannel() {
        Map<Channel, Long> once = new HashMap<>();
        Map<Channel, Long> twenty = new HashMap<>();
        new Simulator(Scenario.steady(), START, Duration.ofHours(6), 5).forEachRemaining(r -> opened(r, once));
        new Simulator(Scenario.steady(), START, Duration.ofHours(6), 5, 20).forEachRemaining(r -> opened(r, twenty));
        assertThat(twenty.keySet()).isEqualTo(once.keySet()).hasSize(ChannelProfile.ALL.size());
        for (Channel c : once.keySet()) {
            // Poisson counts: 20 times the mean, within a generous margin of the sampling noise
            assertThat((double) twenty.get(c) / once.get(c)).as(c.name()).isBetween(14.0, 27.0);
        }
    }

    private static void opened(SpecificRecord r, Map<Channel, Long> counts) {
        if (r instanceof InteractionEvent e && e.getType() == InteractionType.CONVERSATION_OPENED) {
            counts.merge(e.getChannel(), 1L, Long::sum);
        }
    }
}
