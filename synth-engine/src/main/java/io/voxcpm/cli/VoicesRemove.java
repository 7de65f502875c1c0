package io.voxcpm.cli;

import java.io.IOException;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Delete a voice with all its versions and recordings (nothing is kept).")
final class VoicesRemove implements Callable<Integer> {

    @ParentCommand
    VoicesCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        try {
            if (!parent.openRegistry().remove(name)) {
                spec.commandLine().getErr().println("error: no voice named '" + name + "' in " + parent.voicesDir + " (see: voices list)");
                return VoicesCommand.FAILED;
            }
        } catch (IOException e) {
            spec.commandLine().getErr().println("error: cannot remove " + name + " from " + parent.voicesDir + ": " + e.getMessage());
            return VoicesCommand.FAILED;
        }
        spec.commandLine().getOut().println("removed " + name);
        spec.commandLine().getOut().flush();
        return VoicesCommand.OK;
    }
}
