package io.touchpoint.volume;

import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.TagValues;
import io.touchpoint.window.Minutes;
import io.touchpoint.window.PartialPanes;

/** Interaction counts as partial panes: counts add up; there are no retractions. */
public class VolumePartials implements PartialPanes<Interaction, VolumePartial> {

    private static final long serialVersionUID = 1L;

    @Override
    public Class<VolumePartial> partialType() {
        return VolumePartial.class;
    }

    @Override
    public String channelOf(Interaction element) {
        return TagValues.channel(element.channel);
    }

    @Override
    public long timeOf(Interaction element) {
        return element.occurredAt;
    }

    @Override
    public VolumePartial of(Interaction element) {
        VolumePartial p = new VolumePartial();
        p.channel = channelOf(element);
        p.minute = Minutes.start(element.occurredAt);
        p.counts.add(element.type);
        return p;
    }

    @Override
    public void add(VolumePartial partial, Interaction element) {
        partial.counts.add(element.type);
    }

    @Override
    public VolumePartial copy(VolumePartial partial) {
        VolumePartial c = new VolumePartial();
        c.channel = partial.channel;
        c.minute = partial.minute;
        c.counts = partial.counts.copy();
        return c;
    }

    @Override
    public void merge(VolumePartial into, VolumePartial other) {
        into.counts.add(other.counts);
    }

    @Override
    public boolean isEmpty(VolumePartial partial) {
        return partial.counts.events == 0;
    }
}
