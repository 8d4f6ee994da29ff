; rtcscope's Windows installer (NSIS 3, Modern UI 2), built by packaging/build-windows.sh:
;   makensis -DVERSION=0.1.0 -DROOT=<repo> -DEXE=<rtcscope.exe> -DOUTFILE=<setup.exe> installer.nsi
; Installs per machine into Program Files, adds a Start menu entry, makes .rtcstats files
; open in rtcscope, offers "Open with rtcscope" for the other dump extensions, and registers
; an uninstaller in Apps & Features.

Unicode true
!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifndef VERSION | ROOT | EXE | OUTFILE
  !error "pass -DVERSION, -DROOT, -DEXE and -DOUTFILE (see packaging/build-windows.sh)"
!endif

!define PROGID "rtcscope.dump"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\rtcscope"

Name "rtcscope"
Caption "rtcscope ${VERSION} Setup"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\rtcscope"
InstallDirRegKey HKLM "Software\rtcscope" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
BrandingText "rtcscope ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "rtcscope"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "rtcscope installer"
VIAddVersionKey "CompanyName" "The rtcscope developers"
VIAddVersionKey "LegalCopyright" "MIT License"

!define MUI_ICON "${ROOT}\assets\rtcscope.ico"
!define MUI_UNICON "${ROOT}\assets\rtcscope.ico"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${ROOT}\LICENSE"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\rtcscope.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start rtcscope"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; "Open with rtcscope" for an extension that other programs may own.
!macro OpenWith EXT
  WriteRegStr HKLM "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKLM "Software\Classes\Applications\rtcscope.exe\SupportedTypes" "${EXT}" ""
!macroend
!macro UnOpenWith EXT
  DeleteRegValue HKLM "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
!macroend

Section "rtcscope" SecMain
  SectionIn RO
  SetRegView 64
  SetOutPath "$INSTDIR"
  File "/oname=rtcscope.exe" "${EXE}"
  File "/oname=rtcscope.ico" "${ROOT}\assets\rtcscope.ico"
  File "/oname=LICENSE.txt" "${ROOT}\LICENSE"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\rtcscope.lnk" "$INSTDIR\rtcscope.exe" "" "$INSTDIR\rtcscope.exe" 0
  WriteRegStr HKLM "Software\rtcscope" "InstallDir" "$INSTDIR"

  ; The dump type, opened by rtcscope.
  WriteRegStr HKLM "Software\Classes\${PROGID}" "" "WebRTC statistics dump"
  WriteRegStr HKLM "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\rtcscope.exe,0"
  WriteRegStr HKLM "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\rtcscope.exe" "%1"'
  WriteRegStr HKLM "Software\Classes\Applications\rtcscope.exe" "FriendlyAppName" "rtcscope"
  WriteRegStr HKLM "Software\Classes\Applications\rtcscope.exe\shell\open\command" "" '"$INSTDIR\rtcscope.exe" "%1"'
  ; .rtcstats is rtcscope's own; the others only gain an "Open with" entry.
  WriteRegStr HKLM "Software\Classes\.rtcstats" "" "${PROGID}"
  !insertmacro OpenWith ".rtcstats"
  !insertmacro OpenWith ".jsonl"
  !insertmacro OpenWith ".json"
  !insertmacro OpenWith ".txt"
  !insertmacro OpenWith ".gz"
  !insertmacro OpenWith ".br"
  !insertmacro OpenWith ".zst"
  !insertmacro OpenWith ".bz2"

  ; Apps & Features.
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" "$0"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "rtcscope"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "The rtcscope developers"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\rtcscope.exe,0"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1

  ; Tell Explorer that associations changed (SHCNE_ASSOCCHANGED).
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Uninstall"
  SetRegView 64
  Delete "$INSTDIR\rtcscope.exe"
  Delete "$INSTDIR\rtcscope.ico"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\rtcscope.lnk"

  ReadRegStr $0 HKLM "Software\Classes\.rtcstats" ""
  StrCmp $0 "${PROGID}" 0 +2
    DeleteRegValue HKLM "Software\Classes\.rtcstats" ""
  !insertmacro UnOpenWith ".rtcstats"
  !insertmacro UnOpenWith ".jsonl"
  !insertmacro UnOpenWith ".json"
  !insertmacro UnOpenWith ".txt"
  !insertmacro UnOpenWith ".gz"
  !insertmacro UnOpenWith ".br"
  !insertmacro UnOpenWith ".zst"
  !insertmacro UnOpenWith ".bz2"
  DeleteRegKey HKLM "Software\Classes\${PROGID}"
  DeleteRegKey HKLM "Software\Classes\Applications\rtcscope.exe"
  DeleteRegKey HKLM "${UNINST_KEY}"
  DeleteRegKey HKLM "Software\rtcscope"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
