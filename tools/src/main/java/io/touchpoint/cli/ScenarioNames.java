package io.touchpoint.cli;

import io.touchpoint.simulate.Scenario;
import java.util.Iterator;

/** The built-in scenarios, from the scenario index: the values the help texts list and the completion offers. */
public final class ScenarioNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return Scenario.builtIn().iterator();
    }
}
