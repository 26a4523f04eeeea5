// README.md's ```swift blocks, compiled: each region between `// readme:begin` and `// readme:end`
// must be one of them, line for line (ReadmeTests checks), so an example that stops compiling
// fails the build. Nothing here runs; the behaviour is tested where the API lives.

import GeneratedSchemas
import MessagingRuntime

func validationExample(body: [UInt8]) throws {
// readme:begin
switch Auth.RegisterRequest.validate(json: body) {          // bytes in
case .success(let request): print(request.role)             // defaults applied
case .failure(let error):
    for issue in error.issues { print(issue.path, issue.code.rawValue, issue.message) }
}
let request = try Auth.RegisterRequest(validatingJSON: body) // or throw ValidationError
// readme:end
    _ = request
}
