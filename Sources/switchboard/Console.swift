import Foundation

/// Output to the terminal: results on stdout, diagnostics and errors on stderr.
enum Console {
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func printRaw(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        FileHandle.standardError.write(Data(colored(line).utf8))
    }

    /// Colours `error:`, `warning:` and `note:` when stderr is a terminal and NO_COLOR is not set.
    static func colored(_ text: String) -> String {
        guard isatty(2) == 1, ProcessInfo.processInfo.environment["NO_COLOR"] == nil else { return text }
        return text
            .replacingOccurrences(of: " error: ", with: " \u{1B}[1;31merror:\u{1B}[0m ")
            .replacingOccurrences(of: " warning: ", with: " \u{1B}[1;35mwarning:\u{1B}[0m ")
            .replacingOccurrences(of: " note: ", with: " \u{1B}[1;36mnote:\u{1B}[0m ")
    }
}
