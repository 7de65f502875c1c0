-- $FS_CONF/scripts/voxcpm.lua: run from the dialplan with <action application="lua" data="voxcpm.lua"/>
session:answer()
session:set_tts_params("unimrcp:voxcpm", "default")
session:speak("Welcome. This prompt is plain text.")
session:speak("<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"en-US\">"
  .. "This one is SSML. <break time=\"300ms\"/> Goodbye.</speak>")
session:hangup()
