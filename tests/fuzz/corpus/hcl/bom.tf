a	=	1 # bom
