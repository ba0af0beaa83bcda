package dev.botops.channels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.channels.DeliveryPlanner.Channel;
import dev.botops.channels.DeliveryPlanner.Planned;
import dev.botops.channels.DeliveryPlanner.Recorded;
import dev.botops.channels.Notification.Kind;
import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import dev.botops.monitor.Silence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What is due for one alert on two channels (one for warnings, one for critical alerts only). */
class DeliveryPlannerTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration EVERY = Duration.ofHours(6);
    private static final List<Channel> CHANNELS = List.of(new Channel("chat", Severity.WARNING), new Channel("pager", Severity.CRITICAL));

    private static Alert alert(Severity severity) {
        return new Alert(7, "storage", severity, "full", "clean up", T0, T0, null);
    }

    private static Recorded sent(String channel, Kind kind, String event, Severity severity, Instant at) {
        return new Recorded(7, channel, kind, event, severity, false, at, at);
    }

    private static List<String> plan(Alert alert, List<Recorded> recorded, List<Silence> silences, Instant now) {
        return DeliveryPlanner.plan(List.of(alert), recorded, silences, CHANNELS, EVERY, now).stream()
                .map(p -> p.channel() + " " + p.event()).toList();
    }

    @Test
    void aNewWarningStartsOnTheChannelsItReaches() {
        assertThat(plan(alert(Severity.WARNING), List.of(), List.of(), T0)).containsExactly("chat start");
    }

    @Test
    void aNewCriticalAlertStartsEverywhereAndCarriesItsContent() {
        List<Planned> planned = DeliveryPlanner.plan(List.of(alert(Severity.CRITICAL)), List.of(), List.of(), CHANNELS, EVERY, T0);

        assertThat(planned).extracting(p -> p.channel() + " " + p.event()).containsExactly("chat start", "pager start");
        assertThat(planned.get(0)).satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.START);
            assertThat(p.message()).isEqualTo("full");
            assertThat(p.hint()).isEqualTo("clean up");
        });
    }

    @Test
    void nothingIsPlannedTwice() {
        List<Recorded> had = List.of(sent("chat", Kind.START, "start", Severity.WARNING, T0));

        assertThat(plan(alert(Severity.WARNING), had, List.of(), T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void anEscalationGoesToChannelsThatHadTheStartAndStartsWhereItNowReaches() {
        List<Recorded> had = List.of(sent("chat", Kind.START, "start", Severity.WARNING, T0));

        assertThat(plan(alert(Severity.CRITICAL), had, List.of(), T0.plusSeconds(60)))
                .containsExactly("chat escalation:CRITICAL", "pager start");
    }

    @Test
    void aReminderIsDueEveryCadenceAfterTheStartOnlyTheLatestOne() {
        List<Recorded> had = List.of(sent("chat", Kind.START, "start", Severity.WARNING, T0));

        assertThat(plan(alert(Severity.WARNING), had, List.of(), T0.plus(EVERY).minusSeconds(1))).isEmpty();
        assertThat(plan(alert(Severity.WARNING), had, List.of(), T0.plus(EVERY))).containsExactly("chat reminder:1");
        assertThat(plan(alert(Severity.WARNING), had, List.of(), T0.plus(EVERY.multipliedBy(3)).plusSeconds(5)))
                .containsExactly("chat reminder:3");
    }

    @Test
    void noReminderRightAfterALateStartOrWhileAMessageIsStillPending() {
        Instant lateStart = T0.plus(EVERY).plusSeconds(60);
        assertThat(plan(alert(Severity.WARNING), List.of(sent("chat", Kind.START, "start", Severity.WARNING, lateStart)), List.of(),
                lateStart.plusSeconds(1))).isEmpty();
        Recorded pending = new Recorded(7, "chat", Kind.START, "start", Severity.WARNING, true, T0, null);
        assertThat(plan(alert(Severity.WARNING), List.of(pending), List.of(), T0.plus(EVERY))).isEmpty();
    }

    @Test
    void anAcknowledgedAlertHasNoRemindersButStillEscalates() {
        Alert acknowledged = alert(Severity.WARNING).withAcknowledgement("alice", T0.plusSeconds(10));
        List<Recorded> had = List.of(sent("chat", Kind.START, "start", Severity.WARNING, T0));

        assertThat(plan(acknowledged, had, List.of(), T0.plus(EVERY.multipliedBy(2)))).isEmpty();
        Alert escalated = alert(Severity.CRITICAL).withAcknowledgement("alice", T0.plusSeconds(10));
        assertThat(plan(escalated, had, List.of(), T0.plus(EVERY.multipliedBy(2)))).containsExactly("chat escalation:CRITICAL", "pager start");
    }

    @Test
    void aResolutionGoesOnlyWhereTheStartWent() {
        Alert resolved = new Alert(7, "storage", Severity.WARNING, "full", "", T0, T0.plusSeconds(90), T0.plusSeconds(90));
        List<Recorded> had = List.of(sent("chat", Kind.START, "start", Severity.WARNING, T0));

        assertThat(plan(resolved, had, List.of(), T0.plusSeconds(91))).containsExactly("chat resolution");
        assertThat(plan(resolved, List.of(), List.of(), T0.plusSeconds(91))).as("over before anyone heard of it").isEmpty();
    }

    @Test
    void aSilenceHoldsEverythingBackUntilItEndsOfItsRuleOrPrefix() {
        Silence storage = new Silence("storage", T0.plusSeconds(3600), "alice", T0);
        Silence everything = new Silence("stor*", T0.plusSeconds(3600), "alice", T0);
        Silence other = new Silence("storage-other", T0.plusSeconds(3600), "alice", T0);

        assertThat(plan(alert(Severity.CRITICAL), List.of(), List.of(storage), T0.plusSeconds(60))).isEmpty();
        assertThat(plan(alert(Severity.CRITICAL), List.of(), List.of(everything), T0.plusSeconds(60))).isEmpty();
        assertThat(plan(alert(Severity.CRITICAL), List.of(), List.of(other), T0.plusSeconds(60))).hasSize(2);
        assertThat(plan(alert(Severity.CRITICAL), List.of(), List.of(storage), T0.plusSeconds(3600))).hasSize(2);
    }
}
