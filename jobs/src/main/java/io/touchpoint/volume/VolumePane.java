package io.touchpoint.volume;

import io.touchpoint.avro.InteractionType;

/** Interaction counts of one channel in one minute (SPEC §4.5). */
public class VolumePane {
    public long events;
    public long conversationsOpened;
    public long customerMessages;
    public long agentMessages;
    public long botMessages;
    public long resolved;
    public long reopened;
    public long cancellations;

    public VolumePane() {}

    public void add(InteractionType type) {
        events++;
        switch (type) {
            case CONVERSATION_OPENED -> conversationsOpened++;
            case CUSTOMER_MESSAGE -> customerMessages++;
            case AGENT_MESSAGE -> agentMessages++;
            case BOT_MESSAGE -> botMessages++;
            case CONVERSATION_RESOLVED -> resolved++;
            case CONVERSATION_REOPENED -> reopened++;
            case CANCELLATION_REQUESTED -> cancellations++;
            default -> {
                // Counted in events only: internal notes, abandonments and OTHER have no field of their own.
            }
        }
    }

    /** Adds every count of {@code other}. */
    public void add(VolumePane other) {
        events += other.events;
        conversationsOpened += other.conversationsOpened;
        customerMessages += other.customerMessages;
        agentMessages += other.agentMessages;
        botMessages += other.botMessages;
        resolved += other.resolved;
        reopened += other.reopened;
        cancellations += other.cancellations;
    }

    public VolumePane copy() {
        VolumePane c = new VolumePane();
        c.add(this);
        return c;
    }
}
