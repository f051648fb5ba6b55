; Inno Setup 6 script: Proofshot for Windows (x64), from the PyInstaller one-folder build.
;
; Build on Windows, from the repository root, after the bundle (see docs/packaging.md):
;   .venv\Scripts\pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\proofshot.spec
;   (sign dist\proofshot\*.exe and *.dll with signtool, then)
;   .venv\Scripts\python packaging\build_identity.py write dist\proofshot
;   iscc /DAppVersion=0.1.0 packaging\windows\proofshot.iss
; The installer lands in dist\Proofshot-<version>-windows-x64-setup.exe. Sign it too (the
; SignTool line below, once a "signtool" tool is configured in the Inno Setup IDE or iscc /S).
;
; Silent installs for IT: Proofshot-...-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /ALLUSERS
; (or /CURRENTUSER); then "C:\Program Files\Proofshot\proofshot-cli.exe" --self-test --no-window
; checks the installed files against the build's build-identity.json.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Proofshot"
#define AppId "org.proofshot.Proofshot"
#define BundleDir "..\..\dist\proofshot"

[Setup]
; The AppId GUID identifies the product to Windows across versions: never change it.
AppId={{6F1D2C3B-8E47-4A5C-9B2E-57A1C0D4E9F3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Proofshot
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine by default (IT deployments); a user without admin rights may install for themselves.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir=..\..\dist
OutputBaseFilename=Proofshot-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\proofshot.ico
UninstallDisplayIcon={app}\Proofshot.exe
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The bundle's files must stay byte for byte as built (build-identity.json lists them):
; replace the whole folder on upgrade rather than mixing versions.
CloseApplications=yes
RestartApplications=no
;SignTool=signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a $f

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Files of an older version that this one no longer ships would fail the identity check.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\Proofshot.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\proofshot-cli.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\Proofshot.exe"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\Proofshot.exe"; Tasks: desktopicon; AppUserModelID: "{#AppId}"

[Run]
Filename: "{app}\Proofshot.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; Cases, settings and caches live in the user's folders (platformdirs), never in {app}: the
; uninstaller leaves evidence alone on purpose.
